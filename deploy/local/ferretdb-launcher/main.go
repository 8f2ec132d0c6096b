// Command ferretdb-launcher runs FerretDB v1 (SQLite backend) for local development and tests.
//
// `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` produces a binary that panics
// at startup (its build-time version file is missing outside FerretDB's own build), so we embed
// FerretDB through its public `ferretdb` package instead. Telemetry is always disabled in
// embedded mode.
//
// It is built and started by deploy/local/infra.mjs; see deploy/local/README.md.
package main

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27117", "TCP listen address (host:port)")
	dir := flag.String("sqlite-dir", "data", "SQLite data directory; must exist")
	flag.Parse()

	// JSON lines on stderr, which infra.mjs redirects to <local dir>/logs/ferretdb.log.
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	if st, err := os.Stat(*dir); err != nil || !st.IsDir() {
		logger.Error("sqlite directory does not exist", "dir", *dir)
		os.Exit(2)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dir + "/", // a directory URI: one SQLite file per database
	})
	if err != nil {
		logger.Error("failed to initialize FerretDB", "error", err)
		os.Exit(1)
	}

	// Run until SIGTERM (infra.mjs down) or SIGINT (Ctrl-C); Run closes listeners and the backend.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		logger.Error("FerretDB stopped unexpectedly", "error", err)
		os.Exit(1)
	}
}
