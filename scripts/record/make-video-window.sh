#!/bin/bash
# Xvfb -noreset: otherwise the server resets when feh/xdotool disconnect as the only client, losing the wallpaper.
# (captured raw to /dev/shm: ffv1 encoding during capture dropped frames on 2 cores)
# Recording 2: photo wallpaper on the root window (feh --bg-fill), mpv playing video.mp4 (1280x720 Ken-Burns over
# real photos with crossfades) in a borderless window at +320+180 (no window manager). Needs ./make-assets.sh first.
set -e
cd /tmp/rec
NAME=video-window
export DISPLAY=:99
Xvfb :99 -screen 0 1920x1080x24 -nolisten tcp -noreset & XPID=$!
sleep 1.5
feh --no-fehbg --bg-fill /tmp/rec/wallpaper.png
xdotool mousemove 1700 1000
mpv --no-config --vo=x11 --hwdec=no --ao=null --no-audio --osc=no --osd-level=0 --no-input-default-bindings \
    --geometry=1280x720+320+180 --loop-file=inf --start=1.0 /tmp/rec/video.mp4 >/tmp/rec/$NAME.mpv.log 2>&1 & MPID=$!
for i in $(seq 50); do xdotool search --onlyvisible --class mpv >/dev/null 2>&1 && break; sleep 0.2; done
sleep 0.7
ffmpeg -v error -y -f x11grab -framerate 30 -video_size 1920x1080 -draw_mouse 1 -i :99 -t 6.3 -c:v rawvideo /dev/shm/$NAME.nut & FPID=$!
wait $FPID
kill $MPID; sleep 0.5; kill $XPID; wait 2>/dev/null || true
# keep frames as captured; drop the first 3 (capture start-up), keep 180
# lossless archive copy
ffmpeg -v error -y -i /dev/shm/$NAME.nut -c:v ffv1 /tmp/rec/$NAME.mkv
ffmpeg -v error -y -i /dev/shm/$NAME.nut -fps_mode passthrough -vf trim=start_frame=3 -frames:v 180 -pix_fmt bgra -f rawvideo /tmp/rec/$NAME.bgra
rm -f /dev/shm/$NAME.nut
ls -la /tmp/rec/$NAME.bgra
