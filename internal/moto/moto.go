// Package moto runs moto_server, the AWS API emulator, on a free loopback
// port for tests and demos, and puts an EC2 fault-injecting reverse proxy in
// front of it (FaultProxy).
//
// A test package shares one server through TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(moto.RunTests(m)) }
//
//	func TestSomething(t *testing.T) {
//		srv := moto.Shared(t) // reset to an empty account; skips without moto_server
//		...
//	}
//
// Without moto_server on PATH the tests skip with a message saying how to
// install it, except when the environment variable CI is "true" (or "1"):
// then RunTests fails the whole package, so that CI never passes by skipping.
package moto

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The images of the small image set Start loads by default (in every
// region, owner alias amazon). Loading moto's own set of some 1,200 images
// makes every reset cost about half a second; this one makes it cost 20 ms.
const (
	// GPUImage is the newest x86_64 deep-learning GPU image
	// ("Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04) 20260315",
	// root device /dev/sda1).
	GPUImage = "ami-0d1a5f3c2b4e60001"
	// OldGPUImage is an older build of the same image (20251201).
	OldGPUImage = "ami-0d1a5f3c2b4e60002"
	// ARMGPUImage is the arm64 build (20260315).
	ARMGPUImage = "ami-0d1a5f3c2b4e60003"
	// LinuxImage is an Amazon Linux 2023 image (root device /dev/xvda).
	LinuxImage = "ami-0d1a5f3c2b4e60004"
)

//go:embed amis.json
var amisJSON []byte

// Binary is the name of the moto server executable looked up on PATH.
const Binary = "moto_server"

// ErrNotInstalled is returned by Start when moto_server is not on PATH.
var ErrNotInstalled = errors.New("moto: " + Binary + " is not on PATH (install it with `pip install 'moto[server]'`)")

// Server is a running moto_server process listening on 127.0.0.1.
type Server struct {
	// URL is the server's base URL, "http://127.0.0.1:PORT".
	URL string

	cmd    *exec.Cmd
	tmp    string // a directory to remove on Stop
	out    *tailBuffer
	done   chan struct{}
	waitMu sync.Mutex
	err    error // the process's exit status, once done is closed
	once   sync.Once
}

// config holds Start's options.
type config struct {
	path     string
	env      []string
	timeout  time.Duration
	motoAMIs bool
}

// Option configures Start.
type Option func(*config)

// WithBinary runs the moto server at path instead of looking Binary up on
// PATH.
func WithBinary(path string) Option { return func(c *config) { c.path = path } }

// WithEnv adds environment variables ("KEY=value") to the server's
// environment, e.g. "MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION=true".
func WithEnv(kv ...string) Option { return func(c *config) { c.env = append(c.env, kv...) } }

// WithMotoAMIs loads moto's own image set (about 1,200 images per region)
// instead of the small set described at GPUImage.
func WithMotoAMIs() Option { return func(c *config) { c.motoAMIs = true } }

// WithStartTimeout bounds how long Start waits for the server to answer
// (default 30 s; moto takes about 2 s to start).
func WithStartTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// LookPath returns the path of moto_server, or ErrNotInstalled.
func LookPath() (string, error) {
	p, err := exec.LookPath(Binary)
	if err != nil {
		return "", ErrNotInstalled
	}
	return p, nil
}

// InCI reports whether the process runs in CI (CI=true or CI=1), where a
// missing moto_server is an error rather than a reason to skip.
func InCI() bool {
	v := strings.ToLower(strings.TrimSpace(os.Getenv("CI")))
	return v == "true" || v == "1" || v == "yes"
}

// Start starts moto_server on a free loopback port and waits until it
// answers. The caller must Stop it. The context bounds the start only; the
// server runs until Stop.
func Start(ctx context.Context, opts ...Option) (*Server, error) {
	cfg := config{timeout: 30 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.path == "" {
		p, err := LookPath()
		if err != nil {
			return nil, err
		}
		cfg.path = p
	}
	var tmp string
	if !cfg.motoAMIs {
		dir, err := os.MkdirTemp("", "skyhop-moto-")
		if err != nil {
			return nil, fmt.Errorf("moto: %w", err)
		}
		f := filepath.Join(dir, "amis.json")
		if err := os.WriteFile(f, amisJSON, 0o600); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("moto: %w", err)
		}
		tmp = dir
		cfg.env = append(cfg.env, "MOTO_AMIS_PATH="+f)
	}
	var lastErr error
	// A port found free can be taken before moto binds it; try a few.
	for try := 0; try < 3; try++ {
		s, err := start(ctx, &cfg)
		if err == nil {
			s.tmp = tmp
			return s, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			break
		}
	}
	if tmp != "" {
		os.RemoveAll(tmp)
	}
	return nil, lastErr
}

func start(ctx context.Context, cfg *config) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("moto: finding a free port: %w", err)
	}
	cmd := exec.Command(cfg.path, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	out := &tailBuffer{max: 16 << 10}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = append(os.Environ(), cfg.env...)
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("moto: starting %s: %w", cfg.path, err)
	}
	s := &Server{URL: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd, out: out, done: make(chan struct{})}
	go func() {
		err := cmd.Wait()
		s.waitMu.Lock()
		s.err = err
		s.waitMu.Unlock()
		close(s.done)
	}()
	sctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if s.ping(sctx, client) == nil {
			return s, nil
		}
		select {
		case <-s.done:
			s.waitMu.Lock()
			err := s.err
			s.waitMu.Unlock()
			return nil, fmt.Errorf("moto: %s exited before answering on port %d (%v); its output:\n%s", cfg.path, port, err, out.String())
		case <-sctx.Done():
			_ = s.Stop()
			return nil, fmt.Errorf("moto: %s did not answer on port %d within %s: %w; its output:\n%s", cfg.path, port, cfg.timeout, sctx.Err(), out.String())
		case <-tick.C:
		}
	}
}

// ping asks the server's moto-api for its data; any HTTP answer means the
// server is up.
func (s *Server) ping(ctx context.Context, c *http.Client) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/moto-api/data.json", nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// Reset clears every resource of every service and region (POST
// /moto-api/reset), giving the next test an empty account.
func (s *Server) Reset(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/moto-api/reset", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("moto: reset: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("moto: reset: HTTP %d", resp.StatusCode)
	}
	return nil
}

// Output returns the last 16 KiB the server wrote (its request log and
// tracebacks), for test failure messages.
func (s *Server) Output() string { return s.out.String() }

// PID returns the server's process ID.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Stop terminates the server (SIGTERM, then SIGKILL after 5 s) and waits
// for it to exit. It is safe to call more than once.
func (s *Server) Stop() error {
	s.once.Do(func() {
		terminate(s.cmd)
		select {
		case <-s.done:
		case <-time.After(5 * time.Second):
			kill(s.cmd)
			<-s.done
		}
		if s.tmp != "" {
			os.RemoveAll(s.tmp)
		}
	})
	return nil
}

// freePort returns a TCP port that was free on 127.0.0.1 a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tailBuffer keeps the last max bytes written to it; safe for concurrent
// use.
type tailBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if over := b.buf.Len() - b.max; over > 0 {
		b.buf.Next(over)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
