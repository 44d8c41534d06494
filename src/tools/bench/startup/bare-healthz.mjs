// bare-healthz.mjs - the start-up benchmark's baseline: a bare node:http server answering GET
// /healthz with 200 on the port given as its argument, started as the gateway is (a child
// process of `node`), so that what node itself costs to start and to hold is measured beside it.
import { createServer } from 'node:http'

const port = Number(process.argv[2])
const server = createServer((request, response) => {
  const ok = request.url === '/healthz'
  response.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' })
  response.end(ok ? '{"status":"ok"}' : '{"error":"not found"}')
})
server.listen(port, '127.0.0.1')
process.once('SIGTERM', () => server.close())
