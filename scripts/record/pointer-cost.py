#!/usr/bin/env python3
"""pointer-cost.py BINARY SCREEN MOTION — what the customer's pointer costs in a real session.

Starts its own Xvfb (1920x1080, display $REC_DISPLAY or :93) with SCREEN on it, runs
`BINARY share --source screen` and `BINARY view --headless` on loopback (typing the answers as
a person would), waits 2 s for the first picture to settle, then for 5 s either leaves the
pointer still (MOTION `still`) or moves it with `xdotool mousemove` 27 times a second around
an ellipse (`move`). Prints the receipt's `bytes_sent` for the whole session: the pointer's
cost is the `move` run minus the `still` run (docs/benchmarks.md, session 23).

SCREEN: `black` (the bare root), `text` (a photo wallpaper and an xterm full of `ls -l`) or
`page` (Chromium showing paragraphs with links: the pointer turns arrow, I-beam and hand).
Needs (Debian): xvfb xdotool xterm feh chromium mate-backgrounds fonts-dejavu-core.
"""
import glob
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

PHOTO = "/usr/share/backgrounds/mate/nature/Garden.jpg"


def page_html(path):
    words = ("the quick brown fox jumps over the lazy dog while the support employee "
             "watches the customer screen").split()
    paras = []
    for p in range(14):
        line = []
        for i in range(70):
            word = words[(p * 70 + i) * 7 % len(words)]
            line.append(f'<a href="#l{p}-{i}">{word} link</a>' if (p + i) % 12 == 0 else word)
        paras.append("<p>" + " ".join(line) + "</p>")
    with open(path, "w") as f:
        f.write("<html><body style='font:16px DejaVu Sans;margin:40px'>" + "".join(paras)
                + "</body></html>")


def main():
    if len(sys.argv) != 4 or sys.argv[2] not in ("black", "text", "page") \
            or sys.argv[3] not in ("still", "move"):
        sys.exit(__doc__)
    binary, screen, motion = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    work = tempfile.mkdtemp(prefix="pointer-cost.")
    display = os.environ.get("REC_DISPLAY", ":93")
    env = dict(os.environ, DISPLAY=display)
    started = []
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                            stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.0)
        if screen == "text":
            subprocess.run(["feh", "--bg-fill", PHOTO], env=env, check=True)
            started.append(subprocess.Popen(
                ["xterm", "-geometry", "200x60+0+0", "-fa", "DejaVu Sans Mono", "-fs", "11", "-e",
                 "sh", "-c", "ls -l /usr/share/doc | head -120; sleep 600"], env=env))
        elif screen == "page":
            page_html(os.path.join(work, "page.html"))
            started.append(subprocess.Popen(
                ["chromium", "--no-sandbox", "--no-first-run", "--disable-gpu",
                 f"--user-data-dir={work}/chrome", "--window-position=0,0",
                 "--window-size=1920,1080", f"--app=file://{work}/page.html"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            time.sleep(4.0)
        time.sleep(1.5)
        print(measure(binary, env, work, motion))
    finally:
        for p in started + [xvfb]:
            p.kill()
            p.wait()
        shutil.rmtree(work, ignore_errors=True)


def measure(binary, env, work, motion):
    receipts = os.path.join(work, "receipts")
    host = subprocess.Popen([binary, "share", "--source", "screen", "--receipt-dir", receipts],
                            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, bufsize=0)
    said = []
    threading.Thread(target=lambda: said.extend(iter(lambda: host.stdout.read(1), "")),
                     daemon=True).start()

    def wait_for(text, seconds=20):
        end = time.time() + seconds
        while text not in "".join(said):
            if time.time() > end:
                sys.exit(f"no {text!r} from share: {''.join(said)[-400:]}")
            time.sleep(0.05)

    wait_for("Do you accept these terms?")
    host.stdin.write("y\n")
    wait_for("One-time code: ")
    out = "".join(said)
    addr = out.split("Listening on ")[1].split()[0]
    code = out.split("One-time code: ")[1].split()[0]
    view = subprocess.Popen([binary, "view", addr, "--code", code, "--name", "Anna", "--headless"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for('Allow "Anna" to watch your screen? [y/N]')
    host.stdin.write("y\n")
    wait_for("Streaming")
    time.sleep(2.0)
    start = time.time()
    moves = 0
    if motion == "move":
        while time.time() - start < 5.0:
            a = moves * 0.15
            x, y = int(700 + 300 * math.cos(a)), int(400 + 200 * math.sin(a))
            subprocess.run(["xdotool", "mousemove", str(x), str(y)], env=env, check=True)
            moves += 1
            time.sleep(max(0.0, start + moves / 27.0 - time.time()))
    else:
        subprocess.run(["xdotool", "mousemove", "700", "400"], env=env, check=True)
        time.sleep(5.0)
    host.stdin.write("q\n")
    host.wait(timeout=20)
    view.wait(timeout=20)
    lines = [json.loads(line) for f in glob.glob(receipts + "/*") for line in open(f)]
    sent = [line for line in lines if "bytes_sent" in line][-1]["bytes_sent"]
    return f"{os.path.basename(binary)} {motion} ({moves} moves): bytes_sent {sent}"


if __name__ == "__main__":
    main()
