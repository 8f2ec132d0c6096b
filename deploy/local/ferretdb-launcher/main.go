// Command ferretdb-launcher runs FerretDB v1 (SQLite backend) for local development and tests.
//
// `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` produces a binary that panics
// at startup (its build-time version file is missing outside FerretDB's own build), so we embed
// FerretDB through its public `ferretdb` package instead. Telemetry is always disabled in
// embedded mode.
//
// FerretDB v1 does not apply single-document updates atomically under concurrency (it reads,
// changes and writes back in separate steps), which MongoDB guarantees and the platform relies on.
// So FerretDB listens on a private Unix socket and the public TCP port is served by a small proxy
// that serialises write commands (proxy.go). SQLite's WAL checkpoints run on their own schedule
// (checkpointer.go).
//
// It is built and started by deploy/local/infra.mjs; see deploy/local/README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27117", "TCP listen address (host:port)")
	dir := flag.String("sqlite-dir", "data", "SQLite data directory; must exist")
	flag.Parse()

	// FerretDB allocates heavily (every document is decoded from JSON and re-encoded per request):
	// with Go's default GOGC=100 a fifth of its CPU went to the garbage collector. Trade memory for
	// CPU, within a ceiling: collect at 4x the live heap, and harder when the process nears 2 GiB.
	// GOGC / GOMEMLIMIT in the environment still win.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(2 << 30)
	}

	// JSON lines on stderr, which infra.mjs redirects to <local dir>/logs/ferretdb.log.
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	if st, err := os.Stat(*dir); err != nil || !st.IsDir() {
		logger.Error("sqlite directory does not exist", "dir", *dir)
		os.Exit(2)
	}

	// Unix socket paths are limited to ~100 bytes, so keep it short and unique per listen address.
	sock := filepath.Join(os.TempDir(), fmt.Sprintf("creditbank-ferretdb-%s.sock", strings.NewReplacer(":", "-", ".", "-").Replace(*listen)))
	_ = os.Remove(sock)

	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{Unix: sock},
		Logger:   logger,
		Handler:  "sqlite",
		// A directory URI: one SQLite file per database. The pragmas apply to every connection:
		// - wal_autocheckpoint(0): checkpoints run from checkpointer.go instead of at the end of
		//   commits (see there why);
		// - synchronous(normal): in WAL mode a commit then does not wait for fsync. A crash of the
		//   process loses nothing; only an operating-system crash or power cut can lose the last
		//   commits. Right for local development and tests (production runs MongoDB).
		SQLiteURL: "file:" + *dir + "/?_pragma=wal_autocheckpoint(0)&_pragma=synchronous(normal)",
	})
	if err != nil {
		logger.Error("failed to initialize FerretDB", "error", err)
		os.Exit(1)
	}

	// Run until SIGTERM (infra.mjs down) or SIGINT (Ctrl-C); Run closes listeners and the backend.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	l, err := net.Listen("tcp", *listen)
	if err != nil {
		logger.Error("failed to listen", "address", *listen, "error", err)
		os.Exit(1)
	}
	go func() {
		<-ctx.Done()
		_ = l.Close()
	}()
	go func() {
		if err := newProxy("unix", sock, logger).serve(l); err != nil {
			logger.Error("proxy stopped", "error", err)
		}
	}()

	go runCheckpointer(ctx, *dir, logger)

	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		logger.Error("FerretDB stopped unexpectedly", "error", err)
		os.Exit(1)
	}
}
