package boltstore_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/bucket/boltstore"
	"github.com/s3cors/s3cors/rule"
)

// The crash test's child: the test binary run again with these variables
// set does Puts and Deletes through a Store on the Backend until it is
// killed, and reports on file descriptor 3 each change before it asks for
// it ("start") and once it is acknowledged ("ack").
const (
	envCrashDir  = "BOLTSTORE_CRASH_DIR"
	envCrashSeed = "BOLTSTORE_CRASH_SEED"
)

const (
	crashBuckets = 16 // buckets the child changes
	crashWorkers = 4  // goroutines changing them, each its own buckets
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(envCrashDir); dir != "" {
		crashChild(dir, os.Getenv(envCrashSeed))
		return // not reached: the parent kills the child
	}
	os.Exit(m.Run())
}

// crashChild changes configurations through a Store on the Backend in dir
// until it is killed. Every configuration it puts has an origin of its
// own, https://<seed>-<n>.example, so that the parent can tell them apart.
func crashChild(dir, seed string) {
	report := os.NewFile(3, "report")
	var mu sync.Mutex
	say := func(line string) {
		mu.Lock()
		defer mu.Unlock()
		if _, err := report.WriteString(line + "\n"); err != nil {
			os.Exit(3)
		}
	}
	b, err := boltstore.Open(dir)
	if err != nil {
		say("error " + err.Error())
		os.Exit(2)
	}
	store := bucket.NewStore(func(string) bool { return true }, bucket.WithBackend(b))
	go store.Sync(context.Background())
	for !store.Ready() {
		time.Sleep(100 * time.Microsecond)
	}
	say("ready")
	n, _ := strconv.Atoi(seed)
	rng := rand.New(rand.NewPCG(uint64(n), 1))
	var wg sync.WaitGroup
	for w := range crashWorkers {
		wr := rand.New(rand.NewPCG(rng.Uint64(), uint64(w)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				name := "b" + strconv.Itoa(w+crashWorkers*wr.IntN(crashBuckets/crashWorkers))
				if wr.IntN(4) == 0 {
					say("start delete " + name)
					if err := store.DeleteContext(context.Background(), name); err != nil {
						say("error " + err.Error())
						os.Exit(2)
					}
					say("ack delete " + name)
					continue
				}
				origin := "https://" + seed + "-" + strconv.Itoa(w) + "-" + strconv.Itoa(i) + ".example"
				c, err := rule.ParseXML(xmlDoc(origin))
				if err != nil {
					panic(err)
				}
				say("start put " + name + " " + origin)
				if err := store.Put(name, c); err != nil {
					say("error " + err.Error())
					os.Exit(2)
				}
				say("ack put " + name + " " + origin)
			}
		}()
	}
	wg.Wait()
}

// bucketState is what a bucket may hold after a crash: the last
// acknowledged change and the one under way, if any.
type bucketState struct {
	acked   string // the origin of the configuration, "" when deleted
	pending *string
}

// TestCrash kills a child doing Puts and Deletes with SIGKILL at random
// moments, 200 times in all, and checks after each kill that every
// acknowledged change is there and nothing else is. Four directories take
// turns at once, so that one child's fsyncs overlap another's start.
func TestCrash(t *testing.T) {
	const lanes = 4
	rounds := 200 / lanes
	if testing.Short() {
		rounds = 5
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	seed := uint64(time.Now().UnixNano())
	start := time.Now()
	var wg sync.WaitGroup
	results := make([]string, lanes)
	errs := make([]error, lanes)
	for lane := range lanes {
		dir := t.TempDir()
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[lane], errs[lane] = crashLane(exe, dir, rand.New(rand.NewPCG(seed, uint64(lane))), rounds, lane)
		}()
	}
	wg.Wait()
	for lane := range lanes {
		if errs[lane] != nil {
			t.Errorf("directory %d (seed %d): %v", lane, seed, errs[lane])
		} else {
			t.Logf("directory %d: %s", lane, results[lane])
		}
	}
	t.Logf("%d kills in %v", lanes*rounds, time.Since(start).Round(time.Millisecond))
}

// crashLane runs and kills a child rounds times on dir.
func crashLane(exe, dir string, rng *rand.Rand, rounds, lane int) (string, error) {
	model := map[string]*bucketState{}
	for i := range crashBuckets {
		model["b"+strconv.Itoa(i)] = &bucketState{}
	}
	var acks int
	for round := range rounds {
		r, w, err := os.Pipe()
		if err != nil {
			return "", err
		}
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), envCrashDir+"="+dir, envCrashSeed+"="+strconv.Itoa(lane*1000+round))
		cmd.ExtraFiles = []*os.File{w}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			return "", err
		}
		w.Close()
		lines := make(chan string, 1024)
		go func() {
			sc := bufio.NewScanner(r)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
			r.Close()
		}()
		// Kill at a random moment: mostly while changes run, sometimes
		// while the child opens and loads.
		var delay time.Duration
		if rng.IntN(5) > 0 {
			if line := <-lines; line != "ready" {
				cmd.Process.Kill()
				cmd.Wait()
				return "", fmt.Errorf("round %d: the child said %q", round, line)
			}
			delay = time.Duration(rng.IntN(40000)) * time.Microsecond
		} else {
			delay = time.Duration(rng.IntN(5000)) * time.Microsecond
		}
		time.Sleep(delay)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			return "", err
		}
		_ = cmd.Wait()
		for line := range lines {
			n, err := apply(model, line)
			if err != nil {
				return "", fmt.Errorf("round %d: %w", round, err)
			}
			acks += n
		}
		if err := check(dir, model); err != nil {
			return "", fmt.Errorf("round %d: %w", round, err)
		}
	}
	return fmt.Sprintf("%d kills, %d acknowledged changes checked", rounds, acks), nil
}

// apply records one line of the child's report in the model and returns 1
// for an acknowledgement.
func apply(model map[string]*bucketState, line string) (int, error) {
	f := strings.Fields(line)
	switch {
	case len(f) == 1 && f[0] == "ready":
		return 0, nil
	case len(f) < 3 || (f[0] != "start" && f[0] != "ack") || (f[1] == "put" && len(f) < 4) || model[f[2]] == nil:
		return 0, fmt.Errorf("the child said %q", line)
	}
	s := model[f[2]]
	origin := ""
	if f[1] == "put" {
		origin = f[3]
	}
	if f[0] == "start" {
		s.pending = &origin
		return 0, nil
	}
	s.acked, s.pending = origin, nil
	return 1, nil
}

// check loads the directory through a Store, as a restarted server does,
// and compares every bucket with the model; it then makes the model what
// the directory holds.
func check(dir string, model map[string]*bucketState) (err error) {
	b, err := boltstore.Open(dir)
	if err != nil {
		return err
	}
	defer b.Close()
	var mu sync.Mutex
	var reported []error
	store := bucket.NewStore(func(string) bool { return true }, bucket.WithBackend(b), bucket.WithErrorHandler(func(err error) {
		mu.Lock()
		reported = append(reported, err)
		mu.Unlock()
	}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { store.Sync(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	for deadline := time.Now().Add(10 * time.Second); !store.Ready(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			return errors.New("the Store did not load")
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reported) > 0 {
		return fmt.Errorf("the Store reported %v", reported)
	}
	stored := map[string]bool{}
	if _, err := b.Load(ctx, func(c bucket.Change) error { stored[c.Bucket] = true; return nil }); err != nil {
		return err
	}
	for name, s := range model {
		delete(stored, name)
		have := ""
		if c := store.Get(name); c != nil {
			have = c.Rules[0].AllowedOrigins[0]
		}
		switch {
		case have == s.acked:
		case s.pending != nil && have == *s.pending:
		default:
			pending := "none"
			if s.pending != nil {
				pending = fmt.Sprintf("%q", *s.pending)
			}
			return fmt.Errorf("bucket %s holds %q; acknowledged %q, under way %s", name, have, s.acked, pending)
		}
		s.acked, s.pending = have, nil
	}
	if len(stored) > 0 {
		return fmt.Errorf("buckets nobody changed: %v", stored)
	}
	return nil
}
