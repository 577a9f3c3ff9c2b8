"""A real DNS server on 127.0.0.1 for tests: answers from a small table over UDP."""

import socket
import threading

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


class LocalDnsServer:
    def __init__(self, records: dict[tuple[str, str], list[str]]):
        # {(name, type): [rdata text]}; a name absent from every key is NXDOMAIN.
        self.records = {
            (name.rstrip(".").lower(), rtype): data for (name, rtype), data in records.items()
        }
        self.names = {name for name, _ in self.records}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.running = True

    def serve(self):
        self.sock.settimeout(0.2)
        while self.running:
            try:
                wire, address = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            query = dns.message.from_wire(wire)
            response = dns.message.make_response(query)
            question = query.question[0]
            name = question.name.to_text().rstrip(".").lower()
            rtype = dns.rdatatype.to_text(question.rdtype)
            if name not in self.names:
                response.set_rcode(dns.rcode.NXDOMAIN)
            elif data := self.records.get((name, rtype)):
                response.answer.append(
                    dns.rrset.from_text_list(question.name, 300, "IN", rtype, data)
                )
            self.sock.sendto(response.to_wire(), address)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()
