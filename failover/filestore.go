package failover

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/internal/clock"
	"github.com/skyhop/skyhop/optimizer"
)

// FileStore is a Store kept in a JSON file, so that what one process learns
// (a stockout, a quota) spares the next one the same doomed attempts: a
// launcher run at 10:00 that finds us-east-1 out of capacity makes the run
// at 10:05 start elsewhere.
//
// It holds the blocks in a MemoryStore and writes the file on every Add,
// atomically (a temporary file renamed over the old one, so a reader never
// sees a torn file). Before writing it merges the blocks another process may
// have written since, and it re-reads the file when it changes (checking at
// most once per RefreshInterval), so processes sharing a file see each
// other's blocks. Two processes writing at the same instant may lose one
// block (the later rename wins); the next failure records it again. Expired
// blocks are dropped when the file is read or written.
//
// It is safe for concurrent use.
type FileStore struct {
	mem  *MemoryStore
	path string
	clk  clock.Clock

	mu        sync.Mutex // serialises file access
	modTime   time.Time  // of the file as last read or written
	checkedAt time.Time  // when the file's modification time was last checked
	err       error      // the last write error, for Err
}

// RefreshInterval is how often a FileStore checks whether another process
// changed its file.
const RefreshInterval = time.Second

// fileVersion is the format version of a FileStore file.
const fileVersion = 1

// storeFile is the JSON form of a FileStore.
type storeFile struct {
	Version int         `json:"version"`
	Blocks  []fileBlock `json:"blocks"`
}

type fileBlock struct {
	Cloud        string         `json:"cloud"`
	Region       string         `json:"region,omitempty"`
	Zone         string         `json:"zone,omitempty"`
	InstanceType string         `json:"instance_type,omitempty"`
	Market       catalog.Market `json:"market"`
	AllMarkets   bool           `json:"all_markets,omitempty"`
	Class        drivers.Class  `json:"class"`
	Scope        drivers.Scope  `json:"scope"`
	Code         string         `json:"code,omitempty"`
	Message      string         `json:"message,omitempty"`
	Since        time.Time      `json:"since"`
	Until        time.Time      `json:"until"`
}

// OpenFileStore opens the store kept at path, creating the directory when
// needed; a missing file is an empty store. c is the store's clock
// (clock.Real when nil): give Provision the same one. It returns an error
// naming the file when it cannot be read or is not a store file.
func OpenFileStore(path string, c clock.Clock) (*FileStore, error) {
	if path == "" {
		return nil, errors.New("failover: OpenFileStore needs a file path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("failover: availability store %s: %w", path, err)
	}
	s := &FileStore{mem: NewMemoryStore(c), path: path, clk: clock.Or(c)}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.readLocked(); err != nil {
		return nil, err
	}
	return s, nil
}

// Path returns the store's file.
func (s *FileStore) Path() string { return s.path }

// Add records b in memory and, if it outlives the call (a non-zero Until),
// in the file.
func (s *FileStore) Add(b Block) {
	s.mem.Add(b)
	if b.Until.IsZero() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.readIfChangedLocked(); err != nil {
		s.err = err
	}
	s.err = s.writeLocked()
}

// Lookup returns the most specific block in force covering q's offering,
// after picking up what other processes wrote to the file.
func (s *FileStore) Lookup(q Query) (Block, bool) {
	s.refresh()
	return s.mem.Lookup(q)
}

// Exclude is the exclusion hook optimizer.Rank can take (see
// MemoryStore.Exclude).
func (s *FileStore) Exclude(c optimizer.Candidate) (blocked bool, reason string) {
	return excluded(s, &c, s.clk.Now())
}

// Blocks returns the blocks in force now, most recent first.
func (s *FileStore) Blocks() []Block {
	s.refresh()
	return s.mem.Blocks()
}

// Err returns the last error writing or re-reading the file (nil when the
// last write succeeded). A store whose file cannot be written still works in
// memory.
func (s *FileStore) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// refresh re-reads the file when another process changed it, checking at
// most once per RefreshInterval.
func (s *FileStore) refresh() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if now.Sub(s.checkedAt) < RefreshInterval {
		return
	}
	s.checkedAt = now
	if err := s.readIfChangedLocked(); err != nil {
		s.err = err
	}
}

// readIfChangedLocked re-reads the file when its modification time differs
// from the one last seen.
func (s *FileStore) readIfChangedLocked() error {
	st, err := os.Stat(s.path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("failover: availability store %s: %w", s.path, err)
	}
	if st.ModTime().Equal(s.modTime) {
		return nil
	}
	return s.readLocked()
}

// readLocked merges the file's blocks in force into memory.
func (s *FileStore) readLocked() error {
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("failover: availability store %s: %w", s.path, err)
	}
	if st, err := os.Stat(s.path); err == nil {
		s.modTime = st.ModTime()
	}
	var f storeFile
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("failover: availability store %s is not a store file (%v); move it away or delete it", s.path, err)
	}
	if f.Version != fileVersion {
		return fmt.Errorf("failover: availability store %s has format version %d, want %d; delete it to start afresh", s.path, f.Version, fileVersion)
	}
	now := s.clk.Now()
	for _, fb := range f.Blocks {
		b := Block(fb)
		if b.Cloud != "" && !b.Until.IsZero() && b.Active(now) {
			s.mem.Add(b)
		}
	}
	return nil
}

// writeLocked writes the blocks in force to the file, atomically.
func (s *FileStore) writeLocked() error {
	blocks := s.mem.Blocks()
	f := storeFile{Version: fileVersion, Blocks: make([]fileBlock, 0, len(blocks))}
	for _, b := range blocks {
		if !b.Until.IsZero() {
			f.Blocks = append(f.Blocks, fileBlock(b))
		}
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("failover: availability store %s: %w", s.path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), filepath.Base(s.path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("failover: availability store %s: %w", s.path, err)
	}
	_, werr := tmp.Write(append(data, '\n'))
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("failover: availability store %s: %w", s.path, err)
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("failover: availability store %s: %w", s.path, err)
	}
	if st, err := os.Stat(s.path); err == nil {
		s.modTime = st.ModTime()
	}
	return nil
}
