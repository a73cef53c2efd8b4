// Command ferretdb-local runs FerretDB (MongoDB wire protocol on PostgreSQL or SQLite) on loopback for the
// tests and the local stack. It embeds FerretDB's library instead of `go install`ing its command,
// because the released module lacks the generated version file that command needs to start.
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
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	handler := flag.String("handler", "sqlite", "storage backend: sqlite or postgresql")
	sqliteURL := flag.String("sqlite-url", "file:data/", "directory of the SQLite databases (file: URI ending in /), for -handler sqlite")
	postgresqlURL := flag.String("postgresql-url", "", "PostgreSQL database to store collections in, for -handler postgresql")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		slog.Error("bad -log-level", "err", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	server, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *listen},
		Logger:        logger,
		Handler:       *handler,
		SQLiteURL:     *sqliteURL,
		PostgreSQLURL: *postgresqlURL,
	})
	if err != nil {
		logger.Error("cannot start FerretDB", "err", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger.Info("FerretDB listening", "addr", *listen, "uri", server.MongoDBURI())
	if err := server.Run(ctx); err != nil {
		logger.Error("FerretDB stopped", "err", err)
		os.Exit(1)
	}
}
