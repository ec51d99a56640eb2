#!/usr/bin/python3
"""The highest event rate through `mdc run --backend jack-rt` without loss (a measurement, not a
test): a private JACK dummy server (48 kHz, 256-frame periods), Pass() and liveset50-style
patches, mdc_jack_probe sending K three-byte events per period for 40 periods; prints, for each K,
how many arrived, and the rate in events/s where all did.
  usage: bench/jack_rate.py [BUILD_DIR]
"""
import os
import subprocess
import sys
import tempfile
import time

build = sys.argv[1] if len(sys.argv) > 1 else "build"
mdc, probe = f"{build}/mdc", f"{build}/tests/mdc_jack_probe"
rate, period, periods = 48000, 256, 40
server = f"srvrate{os.getpid()}"
env = dict(os.environ, JACK_NO_START_SERVER="1", JACK_DEFAULT_SERVER=server)
jackd = subprocess.Popen(["jackd", "-S", "-n", server, "-d", "dummy", "-r", str(rate), "-p", str(period)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
while subprocess.run(["jack_lsp"], env=env, capture_output=True).returncode != 0:
    time.sleep(0.05)
tmp = tempfile.mkdtemp()
patches = {"Pass()": "run(Pass())", "Transpose(12) >> Velocity(multiply=0.8)": "run(Transpose(12) >> Velocity(multiply=0.8))"}
try:
    for name, body in patches.items():
        with open(f"{tmp}/p.mdp", "w") as f:
            f.write(f"from mididings import *\nconfig(client_name='rate{os.getpid()}')\n{body}\n")
        print(f"{name}:")
        for k in (250, 500, 1000, 1500, 2000, 2400):
            with open(f"{tmp}/s.txt", "w") as f:
                for p in range(periods):
                    for i in range(k):
                        f.write(f"{p} {i * period // k} 1 90 {36 + i % 48:02X} 64\n")
            m = subprocess.Popen([mdc, "run", "--backend", "jack-rt", f"{tmp}/p.mdp"], env=env, stderr=subprocess.PIPE, text=True)
            out = subprocess.run([probe, "--name", f"prb{os.getpid()}", "--script", f"{tmp}/s.txt", "--expect", str(k * periods),
                                  "--timeout", "6", "--to", f"rate{os.getpid()}:in_1", "--from", f"rate{os.getpid()}:out_1"],
                                 env=env, capture_output=True, text=True).stdout
            m.terminate()
            m.communicate()
            got = sum(1 for l in out.splitlines() if l.startswith("recv"))
            sent = k * periods
            ok = got == sent
            print(f"  {k:5} events/period: {got}/{sent} arrived" + (f"  -> {k * rate // period:,} events/s without loss" if ok else ""))
finally:
    jackd.terminate()
    jackd.wait()
