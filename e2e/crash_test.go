package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/demo"
	"github.com/cradle-org/cradle/internal/seal"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// crashKills is how many times each database's server is killed.
const crashKills = 20

// TestCrashSafety runs the real binary under concurrent writes (partner
// API referrals), kills it with SIGKILL at a random moment, restarts it,
// and repeats. Afterwards every referral the server acknowledged (201) must
// be there and readable (nothing half-written: every sealed field opens),
// and the audit chain must verify, by the store and by `cradle audit verify`.
func TestCrashSafety(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("the crash test runs the server 20 times per database")
	}
	bin := buildCradle(t)
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { crashLoop(t, bin, b) })
	}
}

func buildCradle(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cradle")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/cradle-org/cradle/cmd/cradle").CombinedOutput() // #nosec G204 -- go build of this module, fixed arguments
	if err != nil {
		t.Fatalf("building cradle: %v\n%s", err, out)
	}
	return bin
}

func crashLoop(t *testing.T, bin string, b storetest.Backend) {
	ctx := context.Background()
	var raw [32]byte
	rand.Read(raw[:])
	keyEnv := base64.StdEncoding.EncodeToString(raw[:])
	keys, err := seal.FromEnv(keyEnv)
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	dbURL := b.URL
	if b.Name == "sqlite" {
		dbURL = "sqlite:" + store.SQLitePath(data)
	}

	// Demo data (for the staff who own the token) and a partner token.
	db := storetest.OpenWith(t, storetest.Backend{Name: b.Name, URL: strings.TrimPrefix(dbURL, "sqlite:")}, store.Options{Keys: keys})
	if _, _, err := demo.LoadWith(ctx, db, storetest.PasswordParams); err != nil {
		t.Fatal(err)
	}
	token, _ := credential.NewToken()
	admin, _ := db.StaffByEmail(ctx, "sam.carter@cradle.example")
	if err := db.Update(audit.WithSource(ctx, audit.Source{Actor: "test"}), func(tx *store.Tx) error {
		_, err := tx.CreateAPIToken("Blackpool Maternity", "EPR", credential.HashToken(token), []string{"referrals:create"}, admin.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	db.Close() // #nosec G104 -- the test database, closed before the binary runs

	var mu sync.Mutex
	acked := map[string]bool{}
	sent := 0
	for round := 1; round <= crashKills; round++ {
		cmd, base := startCradle(t, bin, data, dbURL, keyEnv)
		stop := make(chan struct{})
		// firstAck closes when this round's server has acknowledged a
		// referral: the kill comes after it, so every round kills a server
		// under load even when a busy machine makes the first write slow
		// (a fixed delay from start once killed some servers before any
		// write was done).
		firstAck := make(chan struct{})
		var once sync.Once
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := &http.Client{Timeout: 5 * time.Second}
				for {
					select {
					case <-stop:
						return
					default:
					}
					ref, ok := postReferral(client, base, token)
					// Paced, so the checks afterwards stay within one
					// page of the referral queue.
					time.Sleep(20 * time.Millisecond)
					mu.Lock()
					sent++
					if ok {
						acked[ref] = true
					}
					mu.Unlock()
					if ok {
						once.Do(func() { close(firstAck) })
					}
				}
			}()
		}
		select {
		case <-firstAck:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill() // #nosec G104 -- stopping a server that wrote nothing
			cmd.Wait()         // #nosec G104 -- the process was just killed
			close(stop)
			wg.Wait()
			t.Fatalf("round %d: the server acknowledged no referral within 30s", round)
		}
		time.Sleep(time.Duration(mrand.IntN(400)) * time.Millisecond) // #nosec G404 -- when to kill the test server, not a secret
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatalf("round %d: killing the server: %v", round, err)
		}
		cmd.Wait() // #nosec G104 -- a SIGKILLed process always reports an error
		close(stop)
		wg.Wait()
	}

	// Everything acknowledged is there, whole.
	db = storetest.OpenWith(t, storetest.Backend{Name: b.Name, URL: strings.TrimPrefix(dbURL, "sqlite:")}, store.Options{Keys: keys})
	dsl, _ := db.StaffByEmail(ctx, "ruth.adams@cradle.example")
	// Every referral, a page at a time (the queue lists at most
	// store.QueueLimit at once).
	present := map[string]int64{}
	for offset, total := 0, 1; offset < total; offset += store.QueueLimit {
		q, counts, err := db.ReferralQueue(ctx, dsl.Actor(), store.QueueFilter{Offset: offset})
		if err != nil {
			t.Fatal(err)
		}
		total = 0
		for _, n := range counts {
			total += n
		}
		for _, e := range q {
			present[e.Reference] = e.ID
		}
	}
	lost := 0
	for ref := range acked {
		if _, ok := present[ref]; !ok {
			lost++
			t.Errorf("acknowledged referral %s is missing after the crashes", ref)
		}
	}
	whole := 0
	for ref, id := range present {
		r, err := db.ReadReferral(ctx, dsl.Actor(), id)
		if err != nil || r.Content == nil || (acked[ref] && r.Content.Parent1.GivenName != "Ella") {
			t.Errorf("referral %s cannot be read whole: %v", ref, err)
			continue
		}
		whole++
	}
	n, err := db.VerifyAudit(ctx)
	if err != nil {
		t.Fatalf("audit chain after %d kills: %v", crashKills, err)
	}
	db.Close() // #nosec G104 -- the test database, closed before the binary runs
	args := []string{"audit", "verify", "--data", data}
	if b.Name != "sqlite" {
		args = append(args, "--database", dbURL)
	}
	verify := exec.Command(bin, args...) // #nosec G204 -- the binary this test built, with fixed arguments
	verify.Env = append(os.Environ(), "CRADLE_KEYS="+keyEnv)
	if out, err := verify.CombinedOutput(); err != nil {
		t.Fatalf("cradle audit verify: %v\n%s", err, out)
	}
	t.Logf("%s: %d kills survived; %d requests sent, %d acknowledged, %d lost; %d referrals read whole; audit chain of %d entries verifies",
		b.Name, crashKills, sent, len(acked), lost, whole, n)
}

var runningAt = regexp.MustCompile(`Cradle is running at (http://[0-9.:]+)/`)

// startCradle starts the binary and waits until it is listening.
func startCradle(t *testing.T, bin, data, dbURL, keyEnv string) (*exec.Cmd, string) {
	t.Helper()
	args := []string{"serve", "--data", data, "--addr", "127.0.0.1:0"}
	if !strings.HasPrefix(dbURL, "sqlite:") {
		args = append(args, "--database", dbURL)
	}
	cmd := exec.Command(bin, args...) // #nosec G204 -- the binary this test built, with fixed arguments
	cmd.Env = append(os.Environ(), "CRADLE_KEYS="+keyEnv)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting cradle: %v", err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := runningAt.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		io.Copy(io.Discard, stdout) // #nosec G104 -- draining the killed server's output
	}()
	select {
	case base := <-found:
		return cmd, base
	case <-time.After(30 * time.Second):
		cmd.Process.Kill() // #nosec G104 -- stopping a server that did not start
		cmd.Wait()         // #nosec G104 -- the process was just killed
		t.Fatalf("cradle did not start within 30s:\n%s", stderr.String())
	}
	return nil, ""
}

// postReferral sends one referral; ok means the server acknowledged it.
func postReferral(c *http.Client, base, token string) (reference string, ok bool) {
	body, _ := json.Marshal(map[string]any{
		"referrer": map[string]any{"name": "Mo Midwife", "role": "midwife", "organisation": "Blackpool Teaching Hospitals", "email": "mo@example.org"},
		"parent1":  map[string]any{"given_name": "Ella", "family_name": fmt.Sprintf("Ng%d", mrand.IntN(1_000_000)), "consent": "yes", "postcode": "FY2 0AA"}, // #nosec G404 -- a test name, not a secret
		"parent2":  map[string]any{"given_name": "Tom", "family_name": "Ng", "consent": "no"},
		"due_date": time.Now().AddDate(0, 0, 60).Format("2006-01-02"), "area": "FY2 0AA",
		"abuse_known": "Disclosed at booking appointment.", "safeguarding_status": "none",
	})
	req, _ := http.NewRequest("POST", base+"/api/v1/referrals", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := c.Do(req)
	if err != nil {
		return "", false
	}
	defer res.Body.Close()
	var out struct{ Reference string }
	if res.StatusCode != http.StatusCreated || json.NewDecoder(res.Body).Decode(&out) != nil || out.Reference == "" {
		return "", false
	}
	return out.Reference, true
}
