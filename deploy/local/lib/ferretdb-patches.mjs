// Source patches applied to a copy of the FerretDB v1.24.2 module before the launcher is built (the
// Go module cache stays untouched). A patch is an exact text replacement in an existing file, or a
// new file; the build fails loudly when a replacement no longer finds its text.
//
// Why: the SQLite backend pushes a filter down to SQL only when it is exactly `{ _id: <string> }`,
// and even then with an expression that misses the `_id` index. Every other query, update and delete
// decodes the whole collection in Go. These patches keep FerretDB's semantics (the handler still
// applies the full filter to what SQL returns; SQL only narrows it) and make `_id` work as a key:
//
// 1. The `_id` path expression is spelled as the `_id_` index spells it (`->"_id"`). SQLite matches
//    expression indexes by their text: `->'$._id'` (same value) scanned the table. Measured on a
//    20,000-document collection: updateOne by _id ~90 ms → ~2 ms, deleteOne ~200 ms → ~2 ms.
// 2. A filter with a top-level `_id` equal to a string or ObjectID narrows by `_id` whatever its
//    other conditions (`{ _id, version }` conditional updates, `{ _id, at: { $lt } }` newer-wins upserts).
// 3. `_id: { $in: [strings or ObjectIDs] }` narrows with `IN (SELECT value FROM json_each(?))` on the
//    index (DataLoader batches, inbox de-duplication).
// 4. A bug fix: an `update` command closed each statement's SQL cursor only when the whole command
//    returned (`defer` inside the loop), and the SQLite pool holds 100 connections, so a bulk write of
//    100+ update statements waited forever for a connection (measured: 50 statements 60 ms, 100 hung
//    past 120 s). The cursor is now closed as soon as its statement is applied.
// 5. An update statement that modifies many documents (`updateMany`) wrote each in its own SQLite
//    transaction; it now writes them in transactions of up to 1,000 documents. (Together with the
//    launcher's own checkpointing, checkpointer.go, a 5,000-document updateMany went from ~19 s to
//    ~6 s; the remaining time is FerretDB decoding and re-encoding each document in Go.)
// 6. `{ field: { $in: [many strings] } }` is checked against every document a query returns by
//    comparing with each element: a 5,000-id `$in` (a DataLoader batch, an import's duplicate check)
//    cost 25 million comparisons. A string field against a list of more than 16 strings is now looked
//    up in a set built once per list (cached by the list, a few at a time).
// 7. Resource tracking off in release builds: FerretDB recorded every iterator it created (documents,
//    queries) in a pprof profile, with the caller's stack and a finalizer, to find leaks in its own
//    tests. That cost a fifth of the CPU of a 5,000-document read (measured with pprof), and a leak
//    found that way panics the whole server. Debug builds (tag ferretdb_debug) still track.
// 8. An `update` command whose statements each change at most one document, named by a distinct
//    `_id` (a bulk write of per-key upserts), is applied with one query for all its documents and its
//    writes in transactions of up to 1,000, instead of one query and one transaction per statement.
//    Each statement still runs FerretDB's own update logic (filter, operators, upsert) on its
//    document; on a failed transaction its documents are written one at a time, so the command fails
//    as it would statement by statement. Measured: 5,000 upserts of new documents 5.0 s → 0.7 s, of
//    existing ones 2.7–4.0 s → 1.4–2.1 s.

export const FERRETDB_PATCHES = [
  {
    file: 'internal/handler/msg_update.go',
    from: `		closer := iterator.NewMultiCloser()
		defer closer.Close()

		closer.Add(res.Iter)

		iter := common.FilterIterator(res.Iter, closer, u.Filter)

		if !u.Multi {
			iter = common.LimitIterator(iter, closer, 1)
		}

		result, err := common.UpdateDocument(ctx, c, "update", iter, &u)
		if err != nil {`,
    to: `		closer := iterator.NewMultiCloser()

		closer.Add(res.Iter)

		iter := common.FilterIterator(res.Iter, closer, u.Filter)

		if !u.Multi {
			iter = common.LimitIterator(iter, closer, 1)
		}

		result, err := common.UpdateDocument(ctx, c, "update", iter, &u)
		closer.Close() // release the pooled SQLite connection before the next statement
		if err != nil {`,
  },
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    from: `\tIDColumn = DefaultColumn + "->'$._id'"`,
    to: `\tIDColumn = DefaultColumn + "->\\"_id\\""`,
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    from: `	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
			whereClause = fmt.Sprintf(\` WHERE %s = ?\`, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}
	}

	q += whereClause
	q += prepareOrderByClause(params.Sort)`,
    to: `	if params.Filter != nil && params.Filter.Has("_id") {
		v, _ := params.Filter.Get("_id")
		switch v := v.(type) {
		case string, types.ObjectID:
			whereClause = fmt.Sprintf(\` WHERE %s = ?\`, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		case *types.Document:
			if list, ok := creditbankIDInList(v); ok {
				whereClause = fmt.Sprintf(\` WHERE %s IN (SELECT value FROM json_each(?))\`, metadata.IDColumn)
				args = []any{list}
			}
		}
	}

	q += whereClause
	q += prepareOrderByClause(params.Sort)`,
  },
  {
    file: 'internal/backends/sqlite/creditbank_pushdown.go',
    content: `package sqlite

import (
	"encoding/json"

	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
)

// creditbankIDInList turns {$in: [strings or ObjectIDs]} into a JSON array of the values as the _id
// path expression returns them, for IN (SELECT value FROM json_each(?)). Anything else: no pushdown.
func creditbankIDInList(d *types.Document) (string, bool) {
	if d.Len() != 1 || !d.Has("$in") {
		return "", false
	}
	v, _ := d.Get("$in")
	arr, ok := v.(*types.Array)
	if !ok || arr.Len() == 0 || arr.Len() > 100000 {
		return "", false
	}
	values := make([]string, 0, arr.Len())
	for i := 0; i < arr.Len(); i++ {
		e, _ := arr.Get(i)
		switch e.(type) {
		case string, types.ObjectID:
			b, err := sjson.MarshalSingleValue(e)
			if err != nil {
				return "", false
			}
			values = append(values, string(b))
		default:
			return "", false
		}
	}
	b, err := json.Marshal(values)
	if err != nil {
		return "", false
	}
	return string(b), true
}
`,
  },
  {
    file: 'internal/handler/common/update.go',
    from: `	result := new(UpdateResult)

	isFindAndModify := (strings.ToLower(cmd) == "findandmodify")

	for {
		var upsert, modified bool

		_, doc, err := iter.Next()
		if err != nil {
			if !errors.Is(err, iterator.ErrIteratorDone) {
				return nil, lazyerrors.Error(err)
			}
`,
    to: `	result := new(UpdateResult)

	isFindAndModify := (strings.ToLower(cmd) == "findandmodify")

	// creditbank: the documents one statement modifies are written in transactions of up to
	// CreditbankUpdateBatch documents instead of one transaction each.
	var pending []*types.Document
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		_, err := c.UpdateAll(ctx, &backends.UpdateAllParams{Docs: pending})
		pending = nil
		return err
	}

	for {
		var upsert, modified bool

		_, doc, err := iter.Next()
		if err != nil {
			if !errors.Is(err, iterator.ErrIteratorDone) {
				return nil, lazyerrors.Error(err)
			}

			if err = flush(); err != nil {
				return nil, lazyerrors.Error(err)
			}
`,
  },
  {
    file: 'internal/handler/common/update.go',
    from: `		} else if modified {
			_, err := c.UpdateAll(ctx, &backends.UpdateAllParams{Docs: []*types.Document{doc}})
			if err != nil {
				return nil, lazyerrors.Error(err)
			}

			result.Modified.Count++
			if isFindAndModify {
				result.Modified.Doc = doc
			}
		}`,
    to: `		} else if modified {
			if isFindAndModify {
				_, err := c.UpdateAll(ctx, &backends.UpdateAllParams{Docs: []*types.Document{doc}})
				if err != nil {
					return nil, lazyerrors.Error(err)
				}
			} else {
				pending = append(pending, doc)
				if len(pending) >= CreditbankUpdateBatch {
					if err := flush(); err != nil {
						return nil, lazyerrors.Error(err)
					}
				}
			}

			result.Modified.Count++
			if isFindAndModify {
				result.Modified.Doc = doc
			}
		}`,
  },
  {
    file: 'internal/handler/common/update.go',
    from: `// processFilterEqualityCondition copies`,
    to: `// CreditbankUpdateBatch bounds the documents one update transaction writes (also the per-key
// bulk updates of creditbank_update_by_id.go).
const CreditbankUpdateBatch = 1000

// processFilterEqualityCondition copies`,
  },
  {
    file: 'internal/handler/common/filter.go',
    from: `		case "$in":
			// {field: {$in: [value1, value2, ...]}}
			arr, ok := exprValue.(*types.Array)
			if !ok {
				return false, handlererrors.NewCommandErrorMsgWithArgument(
					handlererrors.ErrBadValue,
					"$in needs an array",
					exprKey,
				)
			}

			var found bool
`,
    to: `		case "$in":
			// {field: {$in: [value1, value2, ...]}}
			arr, ok := exprValue.(*types.Array)
			if !ok {
				return false, handlererrors.NewCommandErrorMsgWithArgument(
					handlererrors.ErrBadValue,
					"$in needs an array",
					exprKey,
				)
			}

			// creditbank: a string field against a long list of strings is looked up in a set
			// built once per list, not compared with every element for every document.
			if s, isString := fieldValue.(string); isString && arr.Len() > creditbankInSetMin {
				if set, ok := creditbankStringSet(arr); ok {
					if _, hit := set[s]; !hit {
						return false, nil
					}

					break
				}
			}

			var found bool
`,
  },
  {
    file: 'internal/handler/common/creditbank_in_set.go',
    content: `package common

import (
	"sync"

	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// creditbankInSetMin: shorter $in lists are compared element by element, as FerretDB does.
const creditbankInSetMin = 16

// creditbankSets caches the string set of a few recent $in lists, keyed by the list itself (which
// the entry keeps alive, so its address cannot be reused while cached). A filter is applied to
// every document a query reads, with the same list each time.
var creditbankSets = struct {
	sync.Mutex
	m map[*types.Array]creditbankSet
}{m: map[*types.Array]creditbankSet{}}

type creditbankSet struct {
	set map[string]struct{}
	ok  bool
}

// creditbankStringSet returns the list's values as a set, or ok=false if any is not a string
// (numbers, documents and regular expressions keep FerretDB's own comparison).
func creditbankStringSet(arr *types.Array) (map[string]struct{}, bool) {
	creditbankSets.Lock()
	defer creditbankSets.Unlock()

	if e, found := creditbankSets.m[arr]; found {
		return e.set, e.ok
	}

	set := make(map[string]struct{}, arr.Len())
	ok := true

	for i := 0; i < arr.Len(); i++ {
		s, isString := must.NotFail(arr.Get(i)).(string)
		if !isString {
			ok = false
			set = nil

			break
		}

		set[s] = struct{}{}
	}

	if len(creditbankSets.m) >= 32 {
		clear(creditbankSets.m)
	}

	creditbankSets.m[arr] = creditbankSet{set: set, ok: ok}

	return set, ok
}
`,
  },
  {
    file: 'internal/util/resource/resource.go',
    from: `func Track(obj any, token *Token) {
	checkArgs(obj, token)
`,
    to: `func Track(obj any, token *Token) {
	if !debugbuild.Enabled {
		return // creditbank: see ferretdb-patches.mjs, patch 7
	}

	checkArgs(obj, token)
`,
  },
  {
    file: 'internal/util/resource/resource.go',
    from: `func Untrack(obj any, token *Token) {
	checkArgs(obj, token)
`,
    to: `func Untrack(obj any, token *Token) {
	if !debugbuild.Enabled {
		return
	}

	checkArgs(obj, token)
`,
  },
  {
    file: 'internal/handler/msg_update.go',
    from: `	for _, u := range params.Updates {`,
    to: `	// creditbank: statements by distinct _id are applied together (creditbank_update_by_id.go), up to
	// the first that needs FerretDB's own path below.
	var start int

	if ids, ok := creditbankByIDKeys(params.Updates); ok && !h.DisablePushdown {
		c, err := db.Collection(params.Collection)
		if err != nil {
			return 0, 0, nil, lazyerrors.Error(err)
		}

		if start, err = creditbankUpdateByID(ctx, c, params, ids, &matched, &modified, &upserted); err != nil {
			return 0, 0, nil, lazyerrors.Error(err)
		}
	}

	for _, u := range params.Updates[start:] {`,
  },
  {
    file: 'internal/handler/creditbank_update_by_id.go',
    content: `package handler

// creditbank: an \`update\` command whose statements each change at most one document, named by a
// distinct \`_id\` (a string or an ObjectID), is applied with one query for all its documents and its
// writes in transactions of up to common.CreditbankUpdateBatch documents, instead of one query and one
// transaction per statement. This is the shape of a bulk write of per-key upserts (\`bulkWrite\` of
// \`updateOne\` by \`_id\`, \`upsert: true\`).
//
// The statements are independent (no two name the same document), so applying them together gives
// what applying them one by one gives. Each statement still runs FerretDB's own update logic on its
// document (full filter, operators, upsert); only the writes are collected. The collection must have
// no unique index but \`_id\`, so that a collected write cannot be refused for another document's sake.
// A statement that fails, that would write a document under another \`_id\`, or that would insert an
// \`_id\` that exists (an upsert whose other conditions the document fails) ends the batched part:
// the writes of the statements before it are made, and the statements from it on take FerretDB's own
// path, one at a time, exactly as without this patch.

import (
	"context"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/handler/common"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/iterator"
	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// creditbankByIDMin is the fewest statements worth the batched path.
const creditbankByIDMin = 8

// creditbankDeferredWrites is a collection whose inserts and updates are collected, not written.
type creditbankDeferredWrites struct {
	backends.Collection
	inserts []*types.Document
	updates []*types.Document
}

func (d *creditbankDeferredWrites) InsertAll(_ context.Context, p *backends.InsertAllParams) (*backends.InsertAllResult, error) {
	d.inserts = append(d.inserts, p.Docs...)
	return new(backends.InsertAllResult), nil
}

func (d *creditbankDeferredWrites) UpdateAll(_ context.Context, p *backends.UpdateAllParams) (*backends.UpdateAllResult, error) {
	d.updates = append(d.updates, p.Docs...)
	return &backends.UpdateAllResult{Updated: int32(len(p.Docs))}, nil
}

// creditbankByIDKeys returns the statements' \`_id\` values when the command has the batched shape.
func creditbankByIDKeys(updates []common.Update) ([]any, bool) {
	if len(updates) < creditbankByIDMin {
		return nil, false
	}

	seen := make(map[any]struct{}, len(updates))
	ids := make([]any, 0, len(updates))

	for _, u := range updates {
		if u.Multi || u.Filter == nil {
			return nil, false
		}

		v, err := u.Filter.Get("_id")
		if err != nil {
			return nil, false
		}

		switch v.(type) {
		case string, types.ObjectID:
		default:
			return nil, false
		}

		if _, dup := seen[v]; dup {
			return nil, false
		}

		seen[v] = struct{}{}
		ids = append(ids, v)
	}

	return ids, true
}

// creditbankUpdateByID applies the statements of a batched-shape command (see creditbankByIDKeys)
// and adds to the counts. It returns the index of the first statement it did not apply (the number
// of statements when it applied them all); the caller applies the rest its own way.
func creditbankUpdateByID(ctx context.Context, c backends.Collection, params *common.UpdateParams, ids []any, matched, modified *int32, upserted *types.Array) (int, error) { //nolint:lll // for readability
	indexes, err := c.ListIndexes(ctx, new(backends.ListIndexesParams))
	if err != nil {
		return 0, nil // FerretDB's own path reports it
	}

	for _, index := range indexes.Indexes {
		if index.Unique && index.Name != "_id_" {
			return 0, nil
		}
	}

	in := types.MakeArray(len(ids))
	for _, id := range ids {
		in.Append(id)
	}

	// The backend narrows by \`_id\` (patch 3); the statements' own filters decide below.
	res, err := c.Query(ctx, &backends.QueryParams{
		Filter: must.NotFail(types.NewDocument("_id", must.NotFail(types.NewDocument("$in", in)))),
	})
	if err != nil {
		return 0, lazyerrors.Error(err)
	}

	docs, err := iterator.ConsumeValues(res.Iter)
	if err != nil {
		return 0, lazyerrors.Error(err)
	}

	byID := make(map[any]*types.Document, len(docs))

	for _, doc := range docs {
		if id, err := doc.Get("_id"); err == nil {
			switch id.(type) {
			case string, types.ObjectID:
				byID[id] = doc
			}
		}
	}

	w := &creditbankDeferredWrites{Collection: c}

	for i := range params.Updates {
		u := params.Updates[i]
		id := ids[i]

		var found []*types.Document
		if doc := byID[id]; doc != nil {
			found = append(found, doc)
		}

		inserts, updates := len(w.inserts), len(w.updates)

		closer := iterator.NewMultiCloser()
		iter := common.FilterIterator(iterator.Values(iterator.ForSlice(found)), closer, u.Filter)
		iter = common.LimitIterator(iter, closer, 1)

		result, err := common.UpdateDocument(ctx, w, "update", iter, &u)
		closer.Close()

		switch {
		case err != nil:
		case !creditbankSameIDs(w.inserts[inserts:], id) || !creditbankSameIDs(w.updates[updates:], id):
			err = errCreditbankOwnPath // written under another _id
		case len(w.inserts) > inserts && byID[id] != nil:
			err = errCreditbankOwnPath // an upsert whose condition the existing document fails: a duplicate _id
		}

		if err != nil {
			// This statement is left to FerretDB's own path, from a fresh read of its document.
			w.inserts, w.updates = w.inserts[:inserts], w.updates[:updates]

			return i, creditbankFlush(ctx, c, w)
		}

		*matched += result.Matched.Count
		*modified += result.Modified.Count

		if result.Upserted.Doc != nil {
			doc := result.Upserted.Doc
			upserted.Append(must.NotFail(types.NewDocument(
				"index", int32(upserted.Len()),
				"_id", must.NotFail(doc.Get("_id")),
			)))

			// in case of upsert, MongoDB sets the matched count to 1
			*matched++
		}
	}

	return len(params.Updates), creditbankFlush(ctx, c, w)
}

// errCreditbankOwnPath marks a statement left to FerretDB's own path (which reports its error).
var errCreditbankOwnPath = lazyerrors.New("creditbank: statement needs its own path")

// creditbankSameIDs reports whether every document has the given \`_id\`.
func creditbankSameIDs(docs []*types.Document, id any) bool {
	for _, doc := range docs {
		if v, err := doc.Get("_id"); err != nil || v != id {
			return false
		}
	}

	return true
}

// creditbankFlush writes the collected updates, then the collected inserts, in transactions of up to
// common.CreditbankUpdateBatch documents.
func creditbankFlush(ctx context.Context, c backends.Collection, w *creditbankDeferredWrites) error {
	for start := 0; start < len(w.updates); start += common.CreditbankUpdateBatch {
		chunk := w.updates[start:min(start+common.CreditbankUpdateBatch, len(w.updates))]
		if _, err := c.UpdateAll(ctx, &backends.UpdateAllParams{Docs: chunk}); err != nil {
			return lazyerrors.Error(err)
		}
	}

	for start := 0; start < len(w.inserts); start += common.CreditbankUpdateBatch {
		chunk := w.inserts[start:min(start+common.CreditbankUpdateBatch, len(w.inserts))]
		if _, err := c.InsertAll(ctx, &backends.InsertAllParams{Docs: chunk}); err != nil {
			return lazyerrors.Error(err)
		}
	}

	w.inserts, w.updates = nil, nil

	return nil
}
`,
  },
];
