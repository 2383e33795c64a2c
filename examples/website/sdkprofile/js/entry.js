// The browser side of the recording: each operation of the AWS SDK for
// JavaScript v3 that the recorder asks for, run against the S3 emulator.
// window.sdkprofile.run(name, options) resolves to {ok, error, fetches},
// where fetches lists what the page's fetch calls returned, with the
// response header names the page could read.

import {
  S3Client,
  PutObjectCommand,
  GetObjectCommand,
  DeleteObjectCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";

const fetches = [];
const realFetch = window.fetch.bind(window);

// window.fetch is wrapped before the SDK first uses it, so that every
// response the SDK reads is seen here too.
window.fetch = async (input, init) => {
  const isRequest = input instanceof Request;
  const entry = {
    method: ((init && init.method) || (isRequest ? input.method : "GET")).toUpperCase(),
    url: isRequest ? input.url : String(input),
    status: 0,
    exposed: [],
  };
  fetches.push(entry);
  const resp = await realFetch(input, init);
  entry.status = resp.status;
  entry.exposed = [...resp.headers.keys()];
  return resp;
};

// errorCode returns the Code of an S3 XML error document.
function errorCode(xml) {
  const m = /<Code>([^<]*)<\/Code>/.exec(xml);
  return m ? m[1] : "(no S3 error code)";
}

function client(o) {
  return new S3Client({
    region: o.region,
    endpoint: o.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey },
    maxAttempts: 1,
  });
}

const operations = {
  async "put-object"(o) {
    await client(o).send(new PutObjectCommand({
      Bucket: o.bucket, Key: "put-object.txt", Body: "hello from the SDK", ContentType: "text/plain",
    }));
  },

  async multipart(o) {
    // Two parts: S3's smallest part is 5 MiB, except the last.
    const body = new Uint8Array(5 * 1024 * 1024 + 1024).fill(97);
    const upload = new Upload({
      client: client(o),
      params: { Bucket: o.bucket, Key: "multipart.bin", Body: body },
      partSize: 5 * 1024 * 1024,
      queueSize: 1,
    });
    await upload.done();
  },

  async "get-object"(o) {
    const out = await client(o).send(new GetObjectCommand({ Bucket: o.bucket, Key: o.existingKey }));
    await out.Body.transformToString();
  },

  async "presigned-put"(o) {
    const url = await getSignedUrl(client(o), new PutObjectCommand({
      Bucket: o.bucket, Key: "presigned-put.png", ContentType: "image/png",
    }), { expiresIn: 300 });
    const resp = await fetch(url, {
      method: "PUT", body: new Blob(["not really a PNG"], { type: "image/png" }),
    });
    if (!resp.ok) {
      throw new Error("PUT to the presigned URL answered " + resp.status + " " + errorCode(await resp.text()));
    }
  },

  async "presigned-post"(o) {
    const { url, fields } = await createPresignedPost(client(o), {
      Bucket: o.bucket, Key: "presigned-post.txt", Expires: 300,
      Conditions: [["content-length-range", 0, 1024]],
    });
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) {
      form.append(k, v);
    }
    form.append("file", new Blob(["posted by a form"], { type: "text/plain" }), "post.txt");
    const resp = await fetch(url, { method: "POST", body: form });
    if (!resp.ok) {
      throw new Error("POST to the presigned form answered " + resp.status + " " + errorCode(await resp.text()));
    }
  },

  async "delete-object"(o) {
    await client(o).send(new DeleteObjectCommand({ Bucket: o.bucket, Key: o.existingKey }));
  },
};

window.sdkprofile = {
  names: Object.keys(operations),
  async run(name, options) {
    fetches.length = 0;
    try {
      await operations[name](options);
      return { ok: true, error: "", fetches: [...fetches] };
    } catch (e) {
      return { ok: false, error: String((e && e.message) || e), fetches: [...fetches] };
    }
  },
};
