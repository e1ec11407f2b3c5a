package seal

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/cradle-org/cradle/internal/strictjson"
)

// maxKeyFileSize bounds how much we read; a real key file is well under 1 KiB
// per key, so anything larger is not a key file.
const maxKeyFileSize = 1 << 20

// fileFormat is the on-disk and CRADLE_KEYS JSON shape:
// {"current":"k1","keys":{"k1":"<base64 std>"}}.
type fileFormat struct {
	Current string            `json:"current"`
	Keys    map[string]string `json:"keys"`
}

// LoadOrCreateFile loads the keyring at path, or, if no file exists, generates
// a ring with one new key "k1" and writes it with mode 0600. created reports
// whether a new file was written.
//
// An existing file readable by group or others is refused rather than used:
// these keys protect survivors' addresses, so a loose mode must be fixed, not
// silently tolerated.
func LoadOrCreateFile(path string) (k *Keyring, created bool, err error) {
	k, err = loadFile(path)
	if err == nil {
		return k, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	k, err = newRandomKeyring()
	if err != nil {
		return nil, false, err
	}
	data, err := marshalKeyring(k)
	if err != nil {
		return nil, false, err
	}
	err = writeFileAtomic(path, data, true)
	if errors.Is(err, fs.ErrExist) {
		// Another process created the file first; use its keys, since
		// overwriting them would make anything it already sealed unreadable.
		k, err = loadFile(path)
		return k, false, err
	}
	if err != nil {
		return nil, false, err
	}
	return k, true, nil
}

// SaveFile atomically writes k to path with mode 0600, replacing any existing file.
func SaveFile(path string, k *Keyring) error {
	if k == nil {
		return errors.New("seal: save key file: nil keyring")
	}
	data, err := marshalKeyring(k)
	if err != nil {
		return err
	}
	return writeFileAtomic(path, data, false)
}

// LoadFile loads the keyring at path. Unlike LoadOrCreateFile it never
// creates one: a running server that reloads its keys must not replace a
// missing file with a fresh key.
func LoadFile(path string) (*Keyring, error) { return loadFile(path) }

// AddKeyToFile adds a freshly generated key to the key file at path and
// makes it current, keeping every older key; it returns the new ring and the
// new key's id. The file is replaced atomically (0600), and a lock file
// beside it (path + ".lock") keeps two rotations from each adding a key and
// one losing the other's: values sealed under a lost key could never be
// opened again.
func AddKeyToFile(path string) (*Keyring, string, error) {
	unlock, err := lockFile(path + ".lock")
	if err != nil {
		return nil, "", err
	}
	defer unlock()
	k, err := loadFile(path)
	if err != nil {
		return nil, "", err
	}
	nk, id, err := k.WithNewKey()
	if err != nil {
		return nil, "", err
	}
	if err := SaveFile(path, nk); err != nil {
		return nil, "", err
	}
	return nk, id, nil
}

// lockFile creates path exclusively and returns a function that removes it.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- the key file in the operator's own --data folder
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("seal: %s exists: another key change is running; if none is, remove that file and try again", path)
	}
	if err != nil {
		return nil, fmt.Errorf("seal: lock key file: %w", err)
	}
	fmt.Fprintf(f, "%d\n", os.Getpid())
	f.Close()                              // #nosec G104 -- an empty lock file, written to nothing
	return func() { os.Remove(path) }, nil // #nosec G104 -- removing our own lock file; a leftover one is reported to the next run
}

// EnvValue is the keyring as a CRADLE_KEYS value (the key file's JSON on one
// line). It holds key material: show it only to the operator who must set
// it, never in a log.
func EnvValue(k *Keyring) (string, error) {
	data, err := marshalKeyring(k)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, data); err != nil {
		return "", fmt.Errorf("seal: encode keyring: %w", err)
	}
	return buf.String(), nil
}

// FromEnv parses a keyring from an environment variable value (CRADLE_KEYS):
// either the key file JSON, or a bare standard-base64 32-byte key, which is
// treated as {"current":"k1"}. Errors never echo the value, since it holds keys.
func FromEnv(value string) (*Keyring, error) {
	value = strings.TrimSpace(value)
	switch {
	case value == "":
		return nil, errors.New("seal: key value is empty")
	case strings.HasPrefix(value, "{"):
		k, err := parseKeyring([]byte(value))
		if err != nil {
			return nil, fmt.Errorf("seal: parse key value: %w", err)
		}
		return k, nil
	default:
		key, err := base64.StdEncoding.DecodeString(value)
		if err != nil {
			return nil, fmt.Errorf("seal: key value is neither JSON nor base64: %w", err)
		}
		if len(key) != KeySize {
			return nil, fmt.Errorf("seal: key value decodes to %d bytes, want %d", len(key), KeySize)
		}
		return NewKeyring("k1", map[string][]byte{"k1": key})
	}
}

func loadFile(path string) (*Keyring, error) {
	f, err := os.Open(path) // #nosec G304 -- the key file the operator configured
	if err != nil {
		return nil, fmt.Errorf("seal: open key file: %w", err)
	}
	defer f.Close()
	// Stat the open file, not the path, so the mode we check belongs to the
	// bytes we read.
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("seal: stat key file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("seal: key file %s is not a regular file", path)
	}
	// Windows does not express ACLs through these bits, so the check would
	// only produce false alarms there.
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("seal: key file %s has mode %04o and is readable by group or others; fix with: chmod 600 %s",
			path, fi.Mode().Perm(), path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("seal: read key file: %w", err)
	}
	if len(data) > maxKeyFileSize {
		return nil, fmt.Errorf("seal: key file %s is larger than %d bytes", path, maxKeyFileSize)
	}
	k, err := parseKeyring(data)
	if err != nil {
		return nil, fmt.Errorf("seal: key file %s: %w", path, err)
	}
	return k, nil
}

func parseKeyring(data []byte) (*Keyring, error) {
	// A key id given twice would silently keep only the last key, and
	// values sealed under the other would no longer open. The path names
	// ids, never key material.
	if p := strictjson.Check(data); p != nil {
		return nil, fmt.Errorf("invalid JSON: %s %s", p.Path(), p.Reason())
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	// Strict decoding: a typo such as "key" for "keys" should fail loudly
	// rather than yield an empty ring.
	dec.DisallowUnknownFields()
	var ff fileFormat
	if err := dec.Decode(&ff); err != nil {
		// encoding/json names an unknown field in its message, and that
		// name could be key material pasted in the wrong place: say what
		// is allowed instead. (It has no error type for this case.)
		if strings.HasPrefix(err.Error(), "json: unknown field ") {
			return nil, errors.New(`invalid JSON: a field other than "current" and "keys" is given`)
		}
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid JSON: trailing data after object")
	}
	keys := make(map[string][]byte, len(ff.Keys))
	for id, enc := range ff.Keys {
		key, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			return nil, fmt.Errorf("key %s is not valid base64: %w", shownID(id), err)
		}
		keys[id] = key
	}
	return NewKeyring(ff.Current, keys)
}

func marshalKeyring(k *Keyring) ([]byte, error) {
	ff := fileFormat{Current: k.current, Keys: make(map[string]string, len(k.keys))}
	for id, key := range k.keys {
		ff.Keys[id] = base64.StdEncoding.EncodeToString(key)
	}
	data, err := json.MarshalIndent(ff, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("seal: encode keyring: %w", err)
	}
	return append(data, '\n'), nil
}

// writeFileAtomic writes data to a 0600 temp file in path's directory, fsyncs
// it and moves it into place, so a crash leaves either the old file or the new
// one, never a partial key file. With noClobber it fails with fs.ErrExist
// instead of replacing an existing file.
func writeFileAtomic(path string, data []byte, noClobber bool) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("seal: create temp key file: %w", err)
	}
	name := tmp.Name()
	placed := false
	defer func() {
		if !placed {
			// Tidying up after the error being returned, which is the one to
			// report; the temp file is 0600 like the key file would be.
			tmp.Close()     // #nosec G104 -- see above
			os.Remove(name) // #nosec G104 -- see above
		}
	}()
	// CreateTemp already uses 0600; set it explicitly so the guarantee does
	// not rest on that detail.
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("seal: chmod temp key file: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("seal: write temp key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("seal: sync temp key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("seal: close temp key file: %w", err)
	}

	if noClobber {
		// link(2) fails if path exists, making create-if-absent atomic even
		// when two processes start at once.
		err := os.Link(name, path)
		switch {
		case err == nil:
			placed = true
			// The key file is in place; the temp name is a second link to it,
			// 0600 in the same directory, so a failed removal exposes nothing.
			os.Remove(name) // #nosec G104 -- see above
			syncDir(dir)
			return nil
		case errors.Is(err, fs.ErrExist):
			return fmt.Errorf("seal: create key file: %w", err)
		}
		// Some filesystems lack hard links; fall back to a checked rename,
		// which only loses the (rare) race between the check and the rename.
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("seal: create key file %s: %w", path, fs.ErrExist)
		}
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("seal: install key file: %w", err)
	}
	placed = true
	syncDir(dir)
	return nil
}

// syncDir makes the new directory entry durable. It is best effort: some
// filesystems reject fsync on directories, and the file data is already synced.
func syncDir(dir string) {
	d, err := os.Open(dir) // #nosec G304 -- the directory of the key file the operator configured
	if err != nil {
		return
	}
	d.Sync()  // #nosec G104 -- best effort, as the comment above says
	d.Close() // #nosec G104 -- best effort, as the comment above says
}
