package fleet_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/s3cors/s3cors/bucket/etcdstore/internal/etcdtest"
	"github.com/s3cors/s3cors/bucket/etcdstore/internal/gateway"
)

// The test binary is also the etcd member and the gateway: run with
// FLEET_ROLE set, it becomes one of them.
func TestMain(m *testing.M) {
	switch os.Getenv("FLEET_ROLE") {
	case "member":
		var spec etcdtest.Member
		if err := json.Unmarshal([]byte(os.Getenv("FLEET_MEMBER")), &spec); err != nil {
			fmt.Fprintln(os.Stderr, "FLEET_MEMBER:", err)
			os.Exit(2)
		}
		etcdtest.RunMember(spec)
	case "gateway":
		gateway.Main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// A process is a member or a gateway running in a child process.
type process struct {
	name       string
	stderrPath string
	cmd        *exec.Cmd
	mu         sync.Mutex
	out        []string      // the lines it printed
	seen       chan struct{} // closed and replaced on every line
	done       chan struct{} // closed when it exited
}

// spawn runs the test binary in the role, with the environment.
func spawn(t *testing.T, name, role string, env []string) *process {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), "FLEET_ROLE="+role), env...)
	stderr, err := os.Create(t.TempDir() + "/" + name + ".stderr")
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &process{name: name, stderrPath: stderr.Name(), cmd: cmd, seen: make(chan struct{}), done: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go p.read(stdout)
	go func() {
		_ = cmd.Wait()
		stderr.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			if b, err := os.ReadFile(stderr.Name()); err == nil && len(b) > 0 {
				t.Logf("%s stderr (last 2000 bytes):\n%s", name, tail(b, 2000))
			}
		}
	})
	return p
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

func (p *process) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		p.mu.Lock()
		p.out = append(p.out, sc.Text())
		close(p.seen)
		p.seen = make(chan struct{})
		p.mu.Unlock()
	}
}

// wait waits until the process has printed a line starting with prefix,
// and returns the line.
func (p *process) wait(prefix string, timeout time.Duration) (string, bool) {
	deadline := time.After(timeout)
	for {
		p.mu.Lock()
		for _, l := range p.out {
			if strings.HasPrefix(l, prefix) {
				p.mu.Unlock()
				return l, true
			}
		}
		seen := p.seen
		p.mu.Unlock()
		select {
		case <-seen:
		case <-p.done:
			return "", false
		case <-deadline:
			return "", false
		}
	}
}

// kill kills the process with SIGKILL and waits for it to exit.
func (p *process) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}
