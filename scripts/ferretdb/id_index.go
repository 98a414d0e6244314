package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself uses
)

// FerretDB 1.24's SQLite backend looks a document up by `_id` with the expression
// `_ferretdb_sjson->'$._id'`, while the `_id` index it creates is on `_ferretdb_sjson->"_id"`:
// SQLite does not match the two, so every lookup and update by `_id` scans its whole table and
// costs in proportion to the documents stored. indexIDLookups gives each collection table an
// index on the expression the lookups use, as tables appear. FerretDB runs SQLite with a 10 s busy
// timeout, so its statements wait for an index being built rather than fail; a dropped table takes
// its indexes with it.

// idIndexEvery is how often the directory is looked at for new collection tables.
const idIndexEvery = time.Second

// openDatabase is one SQLite file of the directory, kept open while its file (inode) stays the same.
type openDatabase struct {
	db      *sql.DB
	inode   uint64
	indexed map[string]bool
}

func indexIDLookups(ctx context.Context, dir string, logger *slog.Logger) {
	open := map[string]*openDatabase{}
	defer func() {
		for _, d := range open {
			d.db.Close()
		}
	}()
	ticker := time.NewTicker(idIndexEvery)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			files, err := filepath.Glob(filepath.Join(dir, "*.sqlite"))
			if err != nil {
				logger.Warn("cannot list databases", "dir", dir, "error", err)
				continue
			}
			seen := map[string]bool{}
			for _, file := range files {
				seen[file] = true
				if err := indexFile(ctx, file, open); err != nil {
					logger.Warn("cannot index _id lookups", "file", file, "error", err)
				}
			}
			for file, d := range open {
				if !seen[file] {
					d.db.Close()
					delete(open, file)
				}
			}
		}
	}
}

func inodeOf(file string) (uint64, error) {
	info, err := os.Stat(file)
	if err != nil {
		return 0, err
	}
	stat, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, fmt.Errorf("no inode for %s", file)
	}
	return stat.Ino, nil
}

func indexFile(ctx context.Context, file string, open map[string]*openDatabase) error {
	inode, err := inodeOf(file)
	if err != nil {
		return err
	}
	d := open[file]
	if d != nil && d.inode != inode {
		d.db.Close()
		d = nil
	}
	if d == nil {
		db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
		if err != nil {
			return err
		}
		d = &openDatabase{db: db, inode: inode, indexed: map[string]bool{}}
		open[file] = d
	}
	rows, err := d.db.QueryContext(ctx,
		`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\_ferretdb\_%' ESCAPE '\' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		if !d.indexed[name] {
			tables = append(tables, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, table := range tables {
		quoted := strings.ReplaceAll(table, `"`, `""`)
		statement := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS "%s_id_lookup" ON "%s" (_ferretdb_sjson->'$._id')`, quoted, quoted)
		if _, err := d.db.ExecContext(ctx, statement); err != nil {
			return err
		}
		d.indexed[table] = true
	}
	return nil
}
