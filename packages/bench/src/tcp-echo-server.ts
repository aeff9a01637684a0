// A plain loopback TCP server that writes back every byte it reads: the network ceiling the
// peers' produce figures are compared with. Prints its port.
import { createServer } from 'node:net';

const server = createServer((socket) => socket.pipe(socket));
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`tcp echo listening on 127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
