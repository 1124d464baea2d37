// docs/getting-started.md: structured output, content helpers, and asking the client (sampling, elicitation).
// Compiled by `npm test`; test/integration/results-and-client-requests.test.ts runs the same features for real.
import "reflect-metadata"
import { createServer, tool } from "mcpcraft-sdk"

const server = createServer({ name: "results" })

// #region output
server.add(
  tool({
    name: "weekly_stats",
    description: "Counts this week's notes",
    input: {},
    // The outputSchema in tools/list; the structured result is checked against it before it leaves.
    output: { notes: { type: "integer", description: "Notes written" }, busiestDay: { type: "string", description: "Weekday" } },
    run: () => ({ notes: 12, busiestDay: "Tuesday" }),
  }),
)
// #endregion

// #region content
import { image, resourceLink, text } from "mcpcraft-sdk"

const CHART_PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC", "base64")

server.add(
  tool({
    name: "chart",
    description: "Text, an image and a link, mixed",
    input: {},
    run: () => [text("This week:"), image(CHART_PNG, "image/png"), resourceLink("notes://reports/2025-w27", "Full report")],
  }),
)
// #endregion

// #region client-requests
import { IsIn, IsString } from "class-validator"

class Contact {
  @IsString()
  name!: string

  @IsIn(["email", "phone"])
  channel!: "email" | "phone"
}

server.add(
  tool({
    name: "summarise",
    description: "Asks the client's model for a summary",
    input: { text: { type: "string", description: "Text to summarise" } },
    run: async ({ text: body }: { text: string }, ctx) => {
      const answer = await ctx.sample(`Summarise in one line: ${body}`, { maxTokens: 60 })
      return answer.content.type === "text" ? answer.content.text : "(no text)"
    },
  }),
  tool({
    name: "follow_up",
    description: "Asks the user how to reach them",
    input: {},
    run: async (_args, ctx) => {
      const answer = await ctx.elicit("How should we reach you?", Contact)
      return answer.action === "accept" ? `We will ${answer.content.channel} ${answer.content.name}` : `No follow-up (${answer.action})`
    },
  }),
)
// #endregion

export { server }
