package main

import (
	"context"
	"database/sql"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself uses
)

// SQLite checkpoints a WAL database automatically at the end of a commit once its WAL passes 1,000
// pages. While any reader holds an older snapshot (an open FerretDB cursor, a long updateMany
// walking its query), that checkpoint cannot finish and is attempted again by every later commit,
// each time sorting the whole WAL: commits get slower the longer the reader stays (profiled: 40 %
// of FerretDB's CPU in walMerge during a 5,000-document updateMany; 3.7 ms per document). So the
// launcher turns the automatic checkpoint off (wal_autocheckpoint(0), see main.go) and checkpoints
// here instead, at most a few times a second per database, and only when its WAL has grown.
const (
	checkpointEvery = 500 * time.Millisecond
	checkpointAbove = 4 << 20 // bytes of WAL (about SQLite's default of 1,000 pages)
)

func runCheckpointer(ctx context.Context, dir string, log *slog.Logger) {
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".sqlite") {
				continue
			}
			file := filepath.Join(dir, e.Name())
			if st, err := os.Stat(file + "-wal"); err != nil || st.Size() < checkpointAbove {
				continue
			}
			checkpoint(ctx, file, log)
		}
	}
}

func checkpoint(ctx context.Context, file string, log *slog.Logger) {
	// mode=rw: never create a database that FerretDB has just dropped.
	db, err := sql.Open("sqlite", "file:"+file+"?mode=rw&_pragma=busy_timeout(200)")
	if err != nil {
		return
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)"); err != nil && ctx.Err() == nil {
		log.Debug("checkpoint failed", "file", file, "error", err)
	}
}
