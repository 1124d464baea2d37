// docs/authentication.md, "Service-to-Service Authentication": the guide's sample as written.
// #region guide
import { createServer } from "mcpcraft-sdk"
import jwt from "jsonwebtoken"
const server = createServer({
  name: "internal-server",
  authenticate: async (headers) => {
    const token = headers["authorization"]?.replace("Bearer ", "")
    if (!token) throw new Error("Missing token")
    try {
      const payload = jwt.verify(token, process.env.JWT_SECRET!)
      return { service: payload.sub }
    } catch {
      throw new Error("Invalid token")
    }
  }
})
// #endregion

export { server }
