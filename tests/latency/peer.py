# peer.py - scripted peers for tests/latency: a line server and a client
# whose exchange has a known number of flights.
#   peer.py server PORT GREET          GREET 1: say "hello" first
#   peer.py client PORT GREET FLIGHTS PER   FLIGHTS flights of PER lines,
#                                      each answered before the next
#   peer.py bulk PORT BYTES            BYTES through and back; prints sha256
import hashlib, os, socket, sys, threading

mode = sys.argv[1]
port = int(sys.argv[2])
if mode == "server":
    greet = sys.argv[3] == "1"
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(64)
    print("ready", flush=True)
    def serve(s):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if greet:
            s.sendall(b"hello\n")
        while True:
            d = s.recv(65536)
            if not d:
                break
            s.sendall(d)
        s.close()
    while True:
        s, _ = ls.accept()
        threading.Thread(target=serve, args=(s,), daemon=True).start()
elif mode == "client":
    greet, flights, per = sys.argv[3] == "1", int(sys.argv[4]), int(sys.argv[5])
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    f = s.makefile("rb")
    if greet:
        f.readline()
    for i in range(flights):
        s.sendall(b"".join(b"m%d.%d\n" % (i, j) for j in range(per)))
        for j in range(per):
            if not f.readline():
                sys.exit("short answer")
    s.close()
else:
    n = int(sys.argv[3])
    data = os.urandom(n)
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    back = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        back += d
    print(hashlib.sha256(data).hexdigest(), hashlib.sha256(back).hexdigest(), len(back))
