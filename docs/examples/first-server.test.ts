// docs/first-server.md, step 4: the first mocha test, with mocked principals instead of keys. Only compiled by
// `npm test` (it sits outside mocha's spec glob); `npx mocha dist/docs/examples/first-server.test.js` runs it.
// #region test
import "reflect-metadata"
import assert from "node:assert/strict"
import { createTestClient } from "mcpcraft-sdk/testing"
import { NotesServer } from "./first-server"

describe("NotesServer", () => {
  it("signs each note with the caller", async () => {
    const bob = await createTestClient(NotesServer, { as: { subject: "bob" } })
    try {
      const result = await bob.callTool("add_note", { text: "Buy milk" })
      assert.deepEqual(result.content, [{ type: "text", text: "Buy milk (bob)" }])
    } finally {
      await bob.close()
    }
  })

  it("lets only an admin clear the notes", async () => {
    const bob = await createTestClient(NotesServer, { as: { subject: "bob", roles: [] } })
    const alice = await createTestClient(NotesServer, { as: { subject: "alice", roles: ["admin"] } })
    try {
      assert.deepEqual((await bob.listTools()).map((t) => t.name), ["add_note"])
      await assert.rejects(bob.callTool("clear_notes", {}), { code: -32003 })
      assert.equal((await alice.callTool("clear_notes", {})).isError, undefined)
    } finally {
      await bob.close()
      await alice.close()
    }
  })
})
// #endregion
