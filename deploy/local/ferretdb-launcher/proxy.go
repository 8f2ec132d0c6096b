package main

import (
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
)

// FerretDB v1 applies an update by reading the document, changing it in Go and writing it back in a
// separate step, so two concurrent updates of one document can lose one of them (MongoDB never
// does: single-document writes are atomic there). The platform relies on that atomicity (outbox
// entries written with the state change; conditional decrements), so this proxy serialises write
// commands across all connections: a write is forwarded only when no other write is in flight, and
// the next one waits for its reply. Reads pass through concurrently.

const (
	opMsg        = 2013
	headerLen    = 16
	maxMessage   = 48 * 1024 * 1024
	sectionBody  = 0
	bsonTypeNone = 0
)

var writeCommands = map[string]bool{
	"insert": true, "update": true, "delete": true, "findAndModify": true, "findandmodify": true,
	"createIndexes": true, "dropIndexes": true, "create": true, "drop": true, "dropDatabase": true,
	"renameCollection": true, "collMod": true,
}

type writeLock chan struct{}

func (l writeLock) acquire() { l <- struct{}{} }
func (l writeLock) release() { <-l }

type proxy struct {
	upstreamNetwork, upstreamAddr string
	lock                          writeLock
	log                           *slog.Logger
}

func newProxy(network, addr string, log *slog.Logger) *proxy {
	return &proxy{upstreamNetwork: network, upstreamAddr: addr, lock: make(writeLock, 1), log: log}
}

func (p *proxy) serve(l net.Listener) error {
	for {
		c, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		go p.handle(c)
	}
}

// readMessage reads one wire-protocol message (header + body).
func readMessage(r io.Reader) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := int(int32(binary.LittleEndian.Uint32(hdr[:])))
	if n < headerLen || n > maxMessage {
		return nil, errors.New("bad message length")
	}
	msg := make([]byte, n)
	copy(msg, hdr[:])
	if _, err := io.ReadFull(r, msg[4:]); err != nil {
		return nil, err
	}
	return msg, nil
}

// commandName returns the first key of an OP_MSG body section (the command), or "".
func commandName(msg []byte) string {
	if len(msg) < headerLen+4+1+4+1 || binary.LittleEndian.Uint32(msg[12:16]) != opMsg {
		return ""
	}
	i := headerLen + 4 // flagBits
	for i < len(msg) {
		kind := msg[i]
		i++
		if kind != sectionBody {
			if i+4 > len(msg) {
				return ""
			}
			size := int(binary.LittleEndian.Uint32(msg[i : i+4]))
			i += size
			continue
		}
		if i+5 > len(msg) || msg[i+4] == bsonTypeNone {
			return ""
		}
		j := i + 5
		k := j
		for k < len(msg) && msg[k] != 0 {
			k++
		}
		return string(msg[j:k])
	}
	return ""
}

func (p *proxy) handle(client net.Conn) {
	defer client.Close()
	upstream, err := net.Dial(p.upstreamNetwork, p.upstreamAddr)
	if err != nil {
		p.log.Warn("upstream dial failed", "err", err)
		return
	}
	defer upstream.Close()

	var mu sync.Mutex
	pending := map[uint32]bool{} // request ids of writes holding the lock
	releaseAll := func() {
		mu.Lock()
		defer mu.Unlock()
		for id := range pending {
			delete(pending, id)
			p.lock.release()
		}
	}
	defer releaseAll()

	done := make(chan struct{})
	go func() { // upstream → client: release the lock when a write's reply arrives
		defer close(done)
		defer client.Close()
		for {
			msg, err := readMessage(upstream)
			if err != nil {
				return
			}
			responseTo := binary.LittleEndian.Uint32(msg[8:12])
			mu.Lock()
			if pending[responseTo] {
				delete(pending, responseTo)
				p.lock.release()
			}
			mu.Unlock()
			if _, err := client.Write(msg); err != nil {
				return
			}
		}
	}()

	for { // client → upstream: take the lock before forwarding a write
		msg, err := readMessage(client)
		if err != nil {
			break
		}
		if writeCommands[commandName(msg)] {
			p.lock.acquire()
			mu.Lock()
			pending[binary.LittleEndian.Uint32(msg[4:8])] = true
			mu.Unlock()
		}
		if _, err := upstream.Write(msg); err != nil {
			break
		}
	}
	upstream.Close()
	<-done
}
