"""What the JACK end-to-end tests share: a private `jackd -S -d dummy` per test, mdc on a patch
(with its Python modules) driven by mdc_jack_probe, the text backend as the reference, and the
pass/fail tally. Imported by jack_e2e.py and jack_python_e2e.py.
  usage of those: SCRIPT MDC PROBE [--timing | --tsan]
"""
import glob
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time

from midi_text import from_text

MDC = sys.argv[1]
PROBE = sys.argv[2] if len(sys.argv) > 2 else None  # (osc_e2e.py imports only Server)
TIMING = "--timing" in sys.argv
# Under ThreadSanitizer mdc's process callback can miss JACK's deadline (an xrun loses that
# period's events), so only what does not depend on timing is checked: exit codes and messages,
# which also fail on any TSan report (exit 66).
EXACT = "--tsan" not in sys.argv
PERIOD = 256
TAG = f"{os.getpid()}"
failures = []
passed = 0


def check(cond, what, exact=False):
    """`exact`: depends on every event arriving in time (skipped under --tsan)."""
    global passed
    if exact and not EXACT:
        return
    if cond:
        passed += 1
    else:
        failures.append(what)
        print(f"FAIL {what}", flush=True)


class Server:
    """A private JACK server with the dummy driver, ready when a client can open."""

    def __init__(self, name):
        self.name = f"srv{TAG}{name}"
        env = dict(os.environ, JACK_NO_START_SERVER="1")
        self.env = dict(env, JACK_DEFAULT_SERVER=self.name)
        argv = ["jackd", "-S", "-n", self.name, "-d", "dummy", "-r", "48000", "-p", str(PERIOD)]
        self.log = tempfile.NamedTemporaryFile(prefix=f"jackd_{self.name}_", suffix=".log", delete=False)
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        starts = 1
        deadline = time.monotonic() + 30  # a loaded machine (sanitizer builds in parallel) starts jackd slowly
        while time.monotonic() < deadline:
            if subprocess.run(["jack_lsp"], env=self.env, capture_output=True).returncode == 0:
                return
            if self.proc.poll() is not None and starts < 3:  # jackd gave up: say why, and try again
                print(f"jackd {self.name} exited ({self.proc.returncode}): {self.said()}; {registry()}", flush=True)
                if "Too many servers" in self.said():
                    print(f"reclaimed the registry slots of dead servers: {reclaim_dead_slots()}", flush=True)
                time.sleep(0.5)
                self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, env=env)
                starts += 1
            time.sleep(0.02)
        raise RuntimeError(f"jackd did not start (exit {self.proc.poll()}): {self.said()}\n{registry()}")

    def said(self):
        """The last lines jackd printed, without its banner."""
        with open(self.log.name, errors="replace") as f:
            lines = [l.rstrip() for l in f if l.strip() and not l.startswith(("Copyright", "jackdmp", "This is free", "under certain"))]
        return " | ".join(lines[-8:])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(5)
        # What clients of a server that went away leave behind (their semaphores).
        for f in glob.glob(f"/dev/shm/jack_sem.*_{self.name}_*"):
            os.remove(f)
        os.remove(self.log.name)


def registry_slots():
    """JACK's shared registry of servers: [(offset of the slot, pid, name)] for the used ones of its 8."""
    with open("/dev/shm/jack-shm-registry", "rb") as f:
        data = f.read()
    hdr_len = struct.unpack_from("<I", data, 16)[0]  # magic, protocol, type, size, then hdr_len
    slot = (hdr_len - 24) // 8
    used = []
    for i in range(8):
        pid = struct.unpack_from("<i", data, 24 + i * slot)[0]
        if pid:
            used.append((24 + i * slot, pid, data[28 + i * slot:24 + (i + 1) * slot].split(b"\0")[0].decode(errors="replace")))
    return used


def registry():
    """What the registry lists, for a failure message."""
    try:
        slots = registry_slots()
    except OSError as e:
        return f"no JACK registry: {e}"
    return "JACK registry: " + (", ".join(f"{n} (pid {p}{'' if os.path.exists(f'/proc/{p}') else ', dead'})" for _, p, n in slots) or "empty")


def reclaim_dead_slots():
    """jackd never reclaims the slot of a server of another name that died without closing (jack2's
    jack_register_server): after 8 such deaths no server starts. Frees those slots; returns how many."""
    dead = [off for off, pid, _ in registry_slots() if not os.path.exists(f"/proc/{pid}")]
    with open("/dev/shm/jack-shm-registry", "r+b") as f:
        for off in dead:
            f.seek(off)
            f.write(b"\0" * 4)
    return len(dead)


def stop_mdc(mdc, interrupt=True, timeout=10):
    """Ctrl-C to a running mdc (when `interrupt`), then its (stdout, stderr); killed if it hangs."""
    if interrupt and mdc.poll() is None:
        mdc.send_signal(signal.SIGINT)
    try:
        return mdc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        mdc.kill()
        out, err = mdc.communicate()
        return out, err + "\n(mdc hung and was killed)"


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def parse_probe(out):
    sent, recv = [], []
    for line in out.splitlines():
        kind, port, frame, *rest = line.split(" ", 3)
        (sent if kind == "sent" else recv).append((int(port), int(frame), rest[0] if rest else ""))
    return sent, recv


def run_case(name, patch, script, expect, backend="jack-rt", ports=(1, 1), mdc_args=(), stop_after=None, probe_to=None,
             kill_server_after=None, timeout=8, files=None, with_stdout=False, server=None):
    """Starts a server (or uses `server`), mdc on `patch` (beside `files`: {name: text}), the probe
    with `script`; returns (sent, recv, mdc rc, mdc stderr), and mdc's stdout last when `with_stdout`."""
    own_server = server is None
    server = server or Server(name)
    tmp = tempfile.mkdtemp(prefix="mdc_jack_")
    client = f"mdc{TAG}{name}"
    write(f"{tmp}/patch.mdp", patch.replace("CLIENT", client))
    for fname, text in (files or {}).items():
        write(f"{tmp}/{fname}", text)
    write(f"{tmp}/script.txt", script)
    mdc = subprocess.Popen([MDC, "run", "--backend", backend, f"{tmp}/patch.mdp", *mdc_args], env=server.env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    to = probe_to if probe_to is not None else [f"{client}:in_{i + 1}" for i in range(ports[0])]
    frm = [f"{client}:out_{i + 1}" for i in range(ports[1])]
    args = [PROBE, "--name", f"probe{TAG}{name}", "--script", f"{tmp}/script.txt", "--expect", str(expect), "--timeout", str(timeout)]
    for t in to:
        args += ["--to", t]
    for f in frm:
        args += ["--from", f]
    probe = subprocess.Popen(args, env=server.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if stop_after is not None:
        time.sleep(stop_after)
        mdc.send_signal(signal.SIGINT)
    if kill_server_after is not None:
        time.sleep(kill_server_after)
        server.proc.terminate()  # SIGTERM: a SIGKILLed jackd leaves its slot in the shm registry (8 at most)
    pout, perr = probe.communicate(timeout=timeout + 10)
    mout, merr = stop_mdc(mdc, interrupt=kill_server_after is None)
    if own_server:
        server.stop()
    sent, recv = parse_probe(pout)
    if perr.strip():
        print(f"  probe said: {perr.strip()}")
    if with_stdout:
        return sent, recv, mdc.returncode, merr, mout
    return sent, recv, mdc.returncode, merr


def text_backend(patch, lines, files=None):
    tmp = tempfile.mkdtemp(prefix="mdc_text_")
    write(f"{tmp}/patch.mdp", patch.replace("CLIENT", "textclient"))
    for fname, text in (files or {}).items():
        write(f"{tmp}/{fname}", text)
    r = subprocess.run([MDC, "run", "--backend", "text", f"{tmp}/patch.mdp"], input="\n".join(lines) + "\n", capture_output=True, text=True)
    return [from_text(l) for l in r.stdout.splitlines() if l.strip()]




def finish():
    print(f"{passed} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)
