# Drags window WID with xdotool windowmove every 33 ms for DUR seconds, pointer following (like holding the title bar).
# Path "loop" (default): one loop of an ellipse, centre (CX,CY), radii 420 x 170 px, starting at its left end, going
# clockwise on screen (right along the top... ) -> 6 to 15 px per step (fast along the long sides, slow at the ends).
# Path "fling": throws between the ellipse's left and right ends (840 px), one a second then 0.2 s still, each
# starting and ending at rest (minimum-jerk profile, as a hand moves) -> 0 to ~53 px per step.
import subprocess, sys, time, math
wid, cx, cy, dur = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
path = sys.argv[5] if len(sys.argv) > 5 else "loop"
A, B = 420.0, 170.0
def at(t):
    if path == "fling":
        throw, u = divmod(t, 1.2)
        u = min(u, 1.0)
        s = 10 * u**3 - 15 * u**4 + 6 * u**5
        s = s if throw % 2 == 0 else 1 - s
        return cx - A + 2 * A * s, cy - 0.3 * B * math.sin(math.pi * s)
    th = math.pi + 2 * math.pi * t / dur
    return cx + A * math.cos(th), cy + B * math.sin(th)
t0 = time.monotonic(); n = 0; steps = []
px = py = None
while True:
    t = n * 0.0333
    if t > dur: break
    x, y = at(t)
    xi, yi = int(round(x)), int(round(y))
    if px is not None: steps.append(math.hypot(xi - px, yi - py))
    px, py = xi, yi
    subprocess.run(["xdotool", "windowmove", wid, str(xi), str(yi), "mousemove", str(xi + 300), str(yi + 12)])
    n += 1
    sl = t0 + n * 0.0333 - time.monotonic()
    if sl > 0: time.sleep(sl)
print("steps", n, "step px min/max %.1f/%.1f" % (min(steps), max(steps)), "took %.2f s" % (time.monotonic() - t0))
