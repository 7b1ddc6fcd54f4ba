# Drags window WID with xdotool windowmove every 33 ms for DUR seconds, pointer following (like holding the title bar).
# Path: one loop of an ellipse, centre (CX,CY), radii 420 x 170 px, starting at its left end, going clockwise on screen
# (right along the top... ) -> 6 to 15 px per step (fast along the long sides, slow at the ends).
import subprocess, sys, time, math
wid, cx, cy, dur = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
A, B = 420.0, 170.0
t0 = time.monotonic(); n = 0; steps = []
px = py = None
while True:
    t = n * 0.0333
    if t > dur: break
    th = math.pi + 2 * math.pi * t / dur
    xi, yi = int(round(cx + A * math.cos(th))), int(round(cy + B * math.sin(th)))
    if px is not None: steps.append(math.hypot(xi - px, yi - py))
    px, py = xi, yi
    subprocess.run(["xdotool", "windowmove", wid, str(xi), str(yi), "mousemove", str(xi + 300), str(yi + 12)])
    n += 1
    sl = t0 + n * 0.0333 - time.monotonic()
    if sl > 0: time.sleep(sl)
print("steps", n, "step px min/max %.1f/%.1f" % (min(steps), max(steps)), "took %.2f s" % (time.monotonic() - t0))
