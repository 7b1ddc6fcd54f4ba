#!/bin/bash
# record-desktop.sh OUT_DIR — real screen recordings of ordinary desktop work, for `meekijk bench --input`.
#
# Starts its own X server (Xvfb, 1920x1080x24, display $REC_DISPLAY or :77) with openbox, runs real programs on it
# (Chromium, xterm, vim, feh), drives them with xdotool at a person's pace, and captures the screen with ffmpeg
# (x11grab, pointer drawn, 30 fps) into OUT_DIR/NAME.bgra: 150 frames of raw BGRA, 1920x1080 (~1.2 GB each).
#
#   menu-hover         Chromium shop page: dropdown menus in a nav bar, hover cards with photos, a <select>
#   window-drag-wm     an xterm with text dragged by its openbox title bar across a photo wallpaper
#   img-page-scroll    Chromium article with photos and text, scrolled with the wheel, down then back up
#   dialog-open-close  Chromium app page; a modal <dialog> over a dimmed backdrop opens and closes three times
#   alt-tab            three maximised windows (xterm listing, Chromium text page, Chromium photo gallery) switched
#   code-editor        vim (syntax on, desert colours) in a maximised xterm: typing, then Ctrl-D/Ctrl-U and j/k held
#
# Needs (Debian): xvfb openbox xterm xdotool ffmpeg feh chromium x11-xserver-utils fonts-dejavu-core vim
#   mate-backgrounds (its nature/*.jpg are real photographs; another folder of photos: PHOTOS=/dir with the same
#   file names). Installs nothing itself. The pages are written by this script into a temporary folder and opened
#   from file://. It stops everything it started; it kills nothing else. Use: bash record-desktop.sh /tmp/rec
# Optional: ONLY="menu-hover alt-tab" records just those; CODE_FILE=some.py is the file vim shows (a copy of it),
# CODE_LINE=N the line below which it types. SUBPIXEL=1 renders text as LCD screens often show it: subpixel
# anti-aliasing with colour fringes (fontconfig rgba=rgb; Chromium and xterm follow it).
set -euo pipefail

OUT=$(realpath -m "${1:?usage: record-desktop.sh OUT_DIR}")
export DISPLAY=${REC_DISPLAY:-:77}
PHOTOS=${PHOTOS:-/usr/share/backgrounds/mate/nature}
CODE_FILE=${CODE_FILE:-$(ls /usr/lib/python3*/textwrap.py 2>/dev/null | head -1)}
CODE_LINE=${CODE_LINE:-355}   # the typing opens a new line below this one (in textwrap.py: the end of wrap's docstring)
ONLY=${ONLY:-menu-hover window-drag-wm img-page-scroll dialog-open-close alt-tab code-editor}
W=1920 H=1080 FRAMES=150

missing=""
for c in Xvfb openbox xterm xdotool ffmpeg feh chromium xsetroot vim realpath; do
  command -v "$c" >/dev/null || missing="$missing $c"
done
for p in Garden Storm Dune LadyBird Aqua FreshFlower GreenMeadow RainDrops TwoWings Wood YellowFlower Blinds; do
  [ -f "$PHOTOS/$p.jpg" ] || missing="$missing $PHOTOS/$p.jpg"
done
[ -f "$CODE_FILE" ] || missing="$missing CODE_FILE(a source file of a few hundred lines)"
if [ -n "$missing" ]; then echo "record-desktop.sh: missing:$missing" >&2; exit 1; fi
if xdotool getmouselocation >/dev/null 2>&1; then echo "record-desktop.sh: display $DISPLAY is in use" >&2; exit 1; fi

mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/record.XXXXXX)
LOG=$WORK/log
SERVER_PIDS=()   # Xvfb, openbox
APP_PIDS=()      # the programs of one recording

stop_apps() {
  local p
  for p in "${APP_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${APP_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  APP_PIDS=()
}
cleanup() {
  stop_apps
  local i
  for (( i = ${#SERVER_PIDS[@]} - 1; i >= 0; i-- )); do kill "${SERVER_PIDS[i]}" 2>/dev/null || true; done
  for i in "${SERVER_PIDS[@]}"; do wait "$i" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ "${SUBPIXEL:-0}" = 1 ]; then
  cat > "$WORK/fonts.conf" <<'CONF'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <match target="font">
    <edit name="antialias" mode="assign"><bool>true</bool></edit>
    <edit name="rgba" mode="assign"><const>rgb</const></edit>
    <edit name="lcdfilter" mode="assign"><const>lcddefault</const></edit>
    <edit name="hintstyle" mode="assign"><const>hintslight</const></edit>
  </match>
</fontconfig>
CONF
  export FONTCONFIG_FILE=$WORK/fonts.conf
fi

# spawn CMD...: start a program of this recording in the background (its output goes to the log)
spawn() { "$@" >>"$LOG" 2>&1 & APP_PIDS+=($!); }

# wait_for_window TITLE_REGEX: print the id of the visible window whose title matches, once it is mapped
wait_for_window() {
  local i id
  for (( i = 0; i < 100; i++ )); do
    id=$(xdotool search --onlyvisible --name "$1" 2>/dev/null | head -1 || true)
    if [ -n "$id" ]; then echo "$id"; return 0; fi
    sleep 0.2
  done
  echo "record-desktop.sh: no window '$1' appeared" >&2; return 1
}

# browser URL TITLE_REGEX: a maximised Chromium window (own new profile) showing URL; prints its window id
browser() {
  local prof
  prof=$(mktemp -d "$WORK/profile.XXXX")
  spawn chromium --no-sandbox --test-type --disable-gpu --disable-quic --no-first-run --no-default-browser-check \
    --disable-background-networking --disable-component-update --disable-sync --password-store=basic \
    --user-data-dir="$prof" --start-maximized "$1"
  wait_for_window "$2"
}

# terminal TITLE XTERM_ARGS...: an xterm (DejaVu Sans Mono, dark) with this title; prints its window id
terminal() {
  local title=$1; shift
  spawn xterm -T "$title" -fa 'DejaVu Sans Mono' -fs 11 -bg '#1d1f21' -fg '#d8d8d8' -cr '#f0c674' "$@"
  wait_for_window "^$title\$"
}

# --- the person: one xdotool command chain per recording, built with these, played by perform ---------------
ACT=() PX=0 PY=0
at()    { ACT+=(mousemove "$1" "$2"); PX=$1; PY=$2; }     # pointer jumps (only before a recording)
pause() { ACT+=(sleep "$1"); }
act()   { ACT+=("$@"); }                                    # any xdotool command: click 1, key Escape, ...
# glide X Y MS: move the pointer from where it is to (X,Y) in MS ms, a step every 16 ms, easing in and out
glide() {
  local x=$1 y=$2 n=$(( $3 / 16 )) i s
  if (( n < 1 )); then n=1; fi
  for (( i = 1; i <= n; i++ )); do
    s=$(( (3000 * i * i * n - 2000 * i * i * i) / (n * n * n) ))   # smoothstep(i/n), per mille
    ACT+=(mousemove $(( PX + (x - PX) * s / 1000 )) $(( PY + (y - PY) * s / 1000 )) sleep 0.016)
  done
  PX=$x; PY=$y
}
perform() { xdotool "${ACT[@]}"; ACT=(); }

# record NAME DRIVER: capture FRAMES frames into OUT/NAME.bgra while the function DRIVER plays the person
record() {
  local name=$1 driver=$2 out="$OUT/$1.bgra" fp size moved
  # every grabbed frame is written once: left to itself, ffmpeg 5.1 maps x11grab's wall-clock timestamps onto a
  # 30 fps grid and repeats a few frames over and over (>90% duplicates), freezing what moved in between
  ffmpeg -nostdin -v error -y -f x11grab -draw_mouse 1 -framerate 30 -video_size ${W}x${H} -i "$DISPLAY" \
    -frames:v $FRAMES -vf setpts=N/30/TB -fps_mode passthrough -pix_fmt bgra -f rawvideo "$out" &
  fp=$!
  sleep 0.25          # ffmpeg opens the display and grabs its first frame
  "$driver"
  wait "$fp"
  size=$(stat -c %s "$out")
  if [ "$size" -ne $(( W * H * 4 * FRAMES )) ]; then echo "record-desktop.sh: $out has $size bytes" >&2; exit 1; fi
  moved=$(ffmpeg -nostdin -v error -f rawvideo -pix_fmt bgra -s ${W}x${H} -i "$out" -f framemd5 - |
    awk -F, '!/^#/ { if (seen && $6 != last) n++; last = $6; seen = 1 } END { print n + 0 }')
  echo "$name: $out ($moved of $((FRAMES - 1)) frames differ from the one before)"
}

# --- pages ----------------------------------------------------------------------------------------------------
PAGES=$WORK/pages
mkdir -p "$PAGES"
P="file://$PHOTOS"
BASE_CSS='body{margin:0;font:16px/1.5 "DejaVu Sans",sans-serif;color:#23262b;background:#f5f6f8}
a{color:#1a56c8}'

cat >"$PAGES/shop.html" <<EOF
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Greenway Garden Supply - Catalogue</title>
<style>$BASE_CSS
nav{background:#1f2a44;height:48px;display:flex;padding-left:20px}
.m{position:relative;width:150px}
.m>span{display:block;line-height:48px;color:#e4e9f4;padding:0 18px;cursor:default}
.m:hover>span{background:#33446b;color:#fff}
.dd{position:absolute;top:48px;left:0;width:280px;background:#fff;border-radius:0 0 6px 6px;z-index:10;
  box-shadow:0 10px 28px rgba(0,0,0,.28);visibility:hidden;opacity:0;transition:opacity .12s,visibility .12s}
.m:hover .dd{visibility:visible;opacity:1}
.dd a{display:block;padding:8px 18px;color:#223;text-decoration:none}
.dd a:hover{background:#e8eefc;color:#1a56c8}
.dd img{display:block;width:248px;height:110px;object-fit:cover;margin:6px 16px 14px;border-radius:4px}
header{display:flex;justify-content:space-between;align-items:center;padding:16px 40px 4px}
h1{font-size:24px;margin:0}
select{font:15px "DejaVu Sans",sans-serif;padding:6px 8px;width:230px}
.grid{display:grid;grid-template-columns:repeat(4,420px);gap:24px;padding:16px 40px}
.card{position:relative;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.16);transition:box-shadow .15s}
.card:hover{box-shadow:0 6px 20px rgba(0,0,0,.3)}
.card>img{display:block;width:420px;height:220px;object-fit:cover;border-radius:8px 8px 0 0}
.card .t{padding:10px 16px 12px}
.price{float:right;font-weight:bold;color:#0b7a3e}
.pop{position:absolute;left:55%;top:140px;width:420px;background:#fff;border-radius:8px;padding:14px;z-index:5;
  box-shadow:0 14px 36px rgba(0,0,0,.38);visibility:hidden;opacity:0;transition:opacity .15s .1s,visibility .15s .1s}
.card:nth-child(4n) .pop,.card:nth-child(4n+3) .pop{left:auto;right:55%}
.card:hover .pop{visibility:visible;opacity:1}
.pop img{display:block;width:420px;height:260px;object-fit:cover;border-radius:4px}
.pop p{margin:10px 0 0;font-size:14px}
</style></head><body>
<nav>
 <div class="m"><span>Plants &#9662;</span><div class="dd"><a href="#">Flowering plants</a><a href="#">Grasses</a>
  <a href="#">Herbs</a><a href="#">Bulbs and tubers</a><a href="#">Seeds</a><img src="$P/YellowFlower.jpg" alt=""></div></div>
 <div class="m"><span>Tools &#9662;</span><div class="dd"><a href="#">Spades and forks</a><a href="#">Pruners</a>
  <a href="#">Watering cans</a><a href="#">Hoses and reels</a><a href="#">Gloves</a><a href="#">Wheelbarrows</a></div></div>
 <div class="m"><span>Outdoor &#9662;</span><div class="dd"><a href="#">Garden furniture</a><a href="#">Decking</a>
  <a href="#">Lighting</a><a href="#">Planters</a><a href="#">Bird feeders</a><a href="#">Ponds</a>
  <img src="$P/Wood.jpg" alt=""></div></div>
 <div class="m"><span>Advice &#9662;</span><div class="dd"><a href="#">Planting calendar</a><a href="#">Pests</a>
  <a href="#">Soil and compost</a><a href="#">Ask a gardener</a></div></div>
 <div class="m"><span>Account &#9662;</span><div class="dd"><a href="#">Orders</a><a href="#">Wish list</a>
  <a href="#">Addresses</a><a href="#">Sign out</a></div></div>
</nav>
<header><h1>Spring collection</h1>
 <select><option>Sort: featured</option><option>Price, low to high</option><option>Price, high to low</option>
  <option>Newest first</option><option>Best rated</option><option>Most reviewed</option></select></header>
<div class="grid">
$(for c in "Garden:French marigold, 6 plants:12.50" "LadyBird:Forget-me-not tray:8.90" "Dune:Marram grass plugs:15.00" \
           "FreshFlower:Gerbera, orange:6.75" "TwoWings:Dandelion seed mix:3.20" "GreenMeadow:Lawn seed, 5 kg:24.00" \
           "RainDrops:Hosta, large leaf:9.80" "Aqua:Rain barrel, 200 l:59.00"; do
  IFS=: read -r img name price <<<"$c"
  echo " <div class=\"card\"><img src=\"$P/$img.jpg\" alt=\"\"><div class=\"t\"><span class=\"price\">&euro; $price</span>$name"
  echo "  <br><small>In stock, ships in 2 days</small></div><div class=\"pop\"><img src=\"$P/$img.jpg\" alt=\"\">"
  echo "  <p><b>$name.</b> Grown in our own nursery, hardened off outdoors and packed in recycled trays.</p></div></div>"
done)
</div></body></html>
EOF

ARTICLE_TEXT=(
"The path leaves the car park between two low walls of stacked stones and climbs for a few minutes before the sea
 comes into view. In April the verges are still wet, and the first flowers are out long before the grass has grown."
"We walked the loop clockwise, which puts the steep part at the start and the long flat stretch along the dunes at
 the end, with the wind at our backs. The whole round is a little over eleven kilometres and took us four hours."
"Most of the first hour is meadow. Sheep keep it short near the gates, and further up it is left to grow, so the
 colour changes every few hundred metres: bright green near the farm, grey green on the slope, almost yellow on top."
"At the top there is a bench, and from it you can see the weather coming in from the west a good half hour before it
 arrives. We had the last of the sun there, and then a squall that lasted exactly as long as it took to eat lunch."
"After the rain everything shines. The leaves along the ditch hold on to the drops, and it is worth stopping to look
 closely: a single hosta leaf carries a dozen small lenses, each with a piece of the sky in it."
"The descent to the beach goes through the dunes. Keep to the marked path here; the marram grass holds the sand
 together, and a trampled dune can lose more in one winter storm than it gains in ten years."
"On the beach itself the wind had dropped. We followed the tide line back towards the car park, past the boardwalk
 and the old lifeboat station, and were back a few minutes before the cafe closed."
"Practical notes: there is parking for about forty cars, the cafe opens at ten, and the path is signposted with
 green arrows. Boots are a good idea after rain; the first climb is slippery where the stones are worn smooth."
)
figure() { echo "<figure><img src=\"$P/$1.jpg\" alt=\"\"><figcaption>$2</figcaption></figure>"; }
cat >"$PAGES/article.html" <<EOF
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A spring walk along the coast - Field Notes</title>
<style>$BASE_CSS
body{background:#fff}
.top{background:#fafafa;border-bottom:1px solid #e2e2e2;padding:14px 0;text-align:center;font-weight:bold;letter-spacing:.08em}
main{max-width:900px;margin:0 auto;padding:24px 20px 200px}
h1{font:bold 40px/1.2 "DejaVu Serif",serif;margin:20px 0 8px}
.by{color:#777;font-size:14px;margin-bottom:24px}
p{font:19px/1.65 "DejaVu Serif",serif;margin:0 0 20px}
figure{margin:28px 0}
figure img{display:block;width:900px;height:560px;object-fit:cover;border-radius:3px}
figcaption{color:#666;font-size:14px;padding-top:6px}
.two{display:flex;gap:20px}.two figure{margin:0}.two img{width:440px;height:330px}
</style></head><body><div class="top">FIELD NOTES &middot; WALKS &middot; COAST</div><main>
<h1>A spring walk along the coast</h1><div class="by">By the walks desk &middot; 14 minutes to read</div>
<p>${ARTICLE_TEXT[0]}</p>$(figure Garden "Marigolds by the farm gate.")<p>${ARTICLE_TEXT[1]}</p><p>${ARTICLE_TEXT[2]}</p>
$(figure GreenMeadow "New grass on the lower meadow.")<p>${ARTICLE_TEXT[3]}</p>$(figure Storm "The squall, seen from the bench.")
<p>${ARTICLE_TEXT[4]}</p><div class="two">$(figure RainDrops "After the rain.")$(figure LadyBird "A ladybird on a grass blade.")</div>
<p>${ARTICLE_TEXT[5]}</p>$(figure Dune "Marram grass on the first dune.")<p>${ARTICLE_TEXT[6]}</p>$(figure Aqua "A drop, caught at the tap by the cafe.")
<p>${ARTICLE_TEXT[7]}</p><p>${ARTICLE_TEXT[0]}</p><p>${ARTICLE_TEXT[1]}</p>
</main></body></html>
EOF

cat >"$PAGES/helpdesk.html" <<EOF
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Helpdesk - My profile</title>
<style>$BASE_CSS
.bar{background:#14532d;color:#fff;height:52px;display:flex;align-items:center;padding:0 24px;font-weight:bold;font-size:18px}
.bar span{margin-left:auto;font-weight:normal;font-size:15px}
.side{position:fixed;top:52px;bottom:0;left:0;width:230px;background:#fff;border-right:1px solid #dde1e6;padding-top:12px}
.side div{padding:10px 24px;color:#444}.side .on{background:#e6f4ea;color:#14532d;font-weight:bold}
main{margin-left:230px;padding:24px 36px}
.profile{display:flex;gap:24px;align-items:center;background:#fff;border-radius:8px;padding:20px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.profile img{width:120px;height:120px;border-radius:50%;object-fit:cover}
.profile h2{margin:0 0 4px}
#edit{margin-left:auto;font:15px "DejaVu Sans",sans-serif;padding:10px 22px;border:0;border-radius:6px;background:#15803d;color:#fff}
.cols{display:flex;gap:24px;margin-top:24px}
table{border-collapse:collapse;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12);flex:1}
td,th{padding:9px 14px;border-bottom:1px solid #eceef1;text-align:left;font-size:15px}
th{background:#f0f2f5}
.ok{color:#15803d}.wait{color:#b45309}
.photo{width:520px}.photo img{width:520px;height:360px;object-fit:cover;border-radius:8px}
dialog{width:560px;height:430px;border:0;border-radius:10px;padding:0;box-shadow:0 20px 60px rgba(0,0,0,.45)}
dialog::backdrop{background:rgba(15,20,30,.55)}
dialog h3{margin:0;padding:18px 24px;border-bottom:1px solid #e5e7eb}
dialog form{padding:18px 24px}
label{display:block;font-size:14px;color:#555;margin-top:10px}
input,textarea{width:100%;box-sizing:border-box;font:15px "DejaVu Sans",sans-serif;padding:7px 9px;border:1px solid #c8ccd2;border-radius:5px}
.foot{position:absolute;right:24px;bottom:20px;display:flex;gap:12px}
.foot button{font:15px "DejaVu Sans",sans-serif;padding:9px 20px;border-radius:6px;border:1px solid #c8ccd2;background:#fff}
.foot .save{background:#15803d;color:#fff;border-color:#15803d}
</style></head><body>
<div class="bar">Helpdesk<span>Anna de Vries &middot; Support team</span></div>
<div class="side"><div>Dashboard</div><div>Tickets</div><div>Customers</div><div>Knowledge base</div><div class="on">My profile</div><div>Settings</div></div>
<main>
<div class="profile"><img src="$P/YellowFlower.jpg" alt=""><div><h2>Anna de Vries</h2>Support engineer, second line<br>
 <small>Amsterdam office &middot; on call this week</small></div><button id="edit" onclick="document.getElementById('dlg').showModal()">Edit profile</button></div>
<div class="cols"><table><tr><th>Ticket</th><th>Customer</th><th>Subject</th><th>Status</th></tr>
$(i=4810; for s in "Printer offline after update" "Cannot log in to VPN" "Mail client keeps asking for password" \
  "Laptop fan loud" "Shared drive full" "New starter account" "Screen flickers on dock" "Calendar invites missing" \
  "Phone not syncing" "Licence renewal"; do i=$((i + 7))
  st='<td class="ok">closed</td>'; if (( i % 3 == 0 )); then st='<td class="wait">waiting</td>'; fi
  echo "<tr><td>#$i</td><td>Customer $((i % 97))</td><td>$s</td>$st</tr>"; done)
</table><div class="photo"><img src="$P/Blinds.jpg" alt=""></div></div>
</main>
<dialog id="dlg"><h3>Edit profile</h3><form method="dialog">
 <label>Name</label><input value="Anna de Vries"><label>E-mail</label><input value="anna.devries@example.org">
 <label>About</label><textarea rows="4">Second line support. Printers, VPN and anything with a cable.</textarea>
 <div class="foot"><button value="cancel" class="cancel">Cancel</button><button value="save" class="save">Save</button></div>
</form></dialog>
</body></html>
EOF

cat >"$PAGES/docs.html" <<EOF
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Backups - Team handbook</title>
<style>$BASE_CSS
body{background:#fff}
.side{position:fixed;top:0;bottom:0;width:280px;background:#f3f4f6;padding:24px;box-sizing:border-box;font-size:15px}
.side div{padding:5px 0;color:#374151}
main{margin-left:280px;max-width:980px;padding:24px 48px}
h1{font-size:32px;margin:8px 0 16px}h2{font-size:22px;margin:28px 0 8px}
pre{background:#f6f8fa;border:1px solid #e1e4e8;padding:12px 16px;font:14px/1.5 "DejaVu Sans Mono",monospace}
</style></head><body><div class="side"><b>Team handbook</b>
$(for s in Introduction "Your laptop" Accounts E-mail Backups Printing "Working from home" "Reporting a problem" Glossary; do
  echo "<div>$s</div>"; done)</div><main>
<h1>Backups</h1>
<p>Every laptop is backed up each night to the office server, as long as it is switched on and connected to the
office network or the VPN. The backup copies your home folder; programs and system files are not copied, because
they can be installed again from scratch in less time than it takes to restore them.</p>
<h2>What is kept</h2>
<ul><li>the last 14 nightly copies,</li><li>one copy per week for the last three months,</li>
<li>one copy per month for the last two years.</li></ul>
<p>Files you delete stay in the older copies until those copies expire, so a file deleted by mistake can be brought
back for up to two years. Ask the helpdesk, and give the full path and the last day you saw the file.</p>
<h2>Checking your last backup</h2>
<p>Open a terminal and run the command below. It prints the date of the last complete copy and how large it was.</p>
<pre>backup-status --last
last complete copy: yesterday 02:14, 38.2 GB, 1 204 377 files</pre>
<p>If the last copy is older than three days, leave the laptop switched on and connected overnight. If it is still
old the next morning, report it: something is in the way, usually a full disk or an expired password.</p>
<h2>Large files</h2>
<p>Virtual machines, video and disk images are skipped when they are larger than 20 GB. Keep them on the shared
drive instead, which has its own backup with the same schedule.</p>
</main></body></html>
EOF

cat >"$PAGES/gallery.html" <<EOF
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Photos - Spring 2024</title>
<style>$BASE_CSS
body{background:#202124;color:#e8eaed}
h1{font-size:22px;font-weight:normal;margin:0;padding:18px 32px}
.g{display:grid;grid-template-columns:repeat(3,600px);gap:12px;padding:0 32px}
.g img{display:block;width:600px;height:400px;object-fit:cover;border-radius:4px}
</style></head><body><h1>Spring 2024 &middot; 48 photos</h1><div class="g">
$(for p in Garden TwoWings LadyBird Storm FreshFlower Dune; do echo "<img src=\"$P/$p.jpg\" alt=\"\">"; done)
</div></body></html>
EOF

# --- the recordings -------------------------------------------------------------------------------------------
CONTENT_TOP=87   # screen y of a maximised Chromium window's page; measured on the shop page below

# content_top R G B: the first screen row whose pixel at x=8 has this colour (the top of the page)
content_top() {
  ffmpeg -nostdin -v error -f x11grab -video_size ${W}x${H} -i "$DISPLAY" -frames:v 1 -vf crop=1:$H:8:0 \
    -pix_fmt rgb24 -f rawvideo - | od -An -v -tu1 -w3 |
    awk -v r="$1" -v g="$2" -v b="$3" '!found && $1 == r && $2 == g && $3 == b { print NR - 1; found = 1 }'
}

drive_menu() {
  local y=$CONTENT_TOP
  glide 95 $((y + 24)) 350;   pause 0.3           # "Plants" opens
  glide 245 $((y + 24)) 200;  pause 0.2           # "Tools"
  glide 395 $((y + 24)) 200;  pause 0.25          # "Outdoor"
  glide 430 $((y + 95)) 200;  glide 440 $((y + 230)) 250   # down its items
  glide 250 $((y + 250)) 300; pause 0.35          # out onto the first card: its hover card opens below right
  glide 800 $((y + 150)) 300; pause 0.35          # over the top of that hover card to the second card
  glide 1765 $((y + 87)) 400; act click 1; pause 0.4    # the sort <select> opens
  glide 1765 $((y + 200)) 250; act click 1; pause 0.2  # an option is chosen
  perform
}
rec_menu_hover() {
  local top
  browser "file://$PAGES/shop.html" 'Greenway Garden' >/dev/null
  sleep 4
  top=$(content_top 31 42 68)
  if [ -n "$top" ]; then CONTENT_TOP=$top; else echo "record-desktop.sh: page top not found, using $CONTENT_TOP" >&2; fi
  at 900 $((CONTENT_TOP + 900)); perform; sleep 0.5
  record menu-hover drive_menu
  stop_apps
}

# drag_leg N DX DY: N pointer steps of (DX,DY) px, one every 33 ms, button held
drag_leg() {
  local i
  for (( i = 0; i < $1; i++ )); do PX=$((PX + $2)); PY=$((PY + $3)); ACT+=(mousemove $PX $PY sleep 0.033); done
}
drive_drag() {
  pause 0.2; act mousedown 1; pause 0.1
  drag_leg 45 16 4        # right, a little down
  drag_leg 18 -12 11      # down and left
  pause 0.3
  drag_leg 35 -14 -9      # up and left
  drag_leg 15 10 -13      # up and right
  act mouseup 1; pause 0.3
  perform
}
rec_window_drag_wm() {
  feh --no-fehbg --bg-fill "$PHOTOS/Dune.jpg"
  terminal 'notes - xterm' -geometry 90x28+200+150 \
    -e bash -c 'cd /usr/share/doc; ls -l --color=always | head -24; echo; df -h / /tmp; echo; uptime; exec bash' >/dev/null
  sleep 1.5
  at 500 160; perform        # on the title bar: the top 20 px of the openbox frame, placed at (200,150)
  sleep 0.5
  record window-drag-wm drive_drag
  stop_apps
  xsetroot -solid '#2e3440'
}

drive_scroll() {
  local i
  pause 0.3
  for i in $(seq 12); do act click 5; pause 0.25; done   # about four notches a second, down
  pause 0.3
  for i in $(seq 4); do act click 4; pause 0.22; done    # and a few back up
  perform
}
rec_img_page_scroll() {
  browser "file://$PAGES/article.html" 'spring walk' >/dev/null
  sleep 4
  at 1000 620; perform; sleep 0.5
  record img-page-scroll drive_scroll
  stop_apps
}

# the "Edit profile" button and the dialog's Cancel button, where helpdesk.html puts them in a 1920 px window
drive_dialog() {
  local y=$CONTENT_TOP bx=1800 by=$((CONTENT_TOP + 154))
  pause 0.1
  glide $bx $by 350; act click 1; pause 1.0           # open
  act key Escape; pause 0.35                          # close with Escape
  act click 1; pause 0.8                              # open again
  glide 1077 $((y + 673)) 300; act click 1; pause 0.35  # close with its Cancel button
  glide $bx $by 300; act click 1; pause 0.9           # open
  act key Escape; pause 0.3
  perform
}
rec_dialog_open_close() {
  browser "file://$PAGES/helpdesk.html" 'Helpdesk' >/dev/null
  sleep 4
  at 1100 $((CONTENT_TOP + 500)); perform; sleep 0.5
  record dialog-open-close drive_dialog
  stop_apps
}

ALT_WINDOWS=()
drive_alt_tab() {
  local i
  pause 0.2
  for i in 0 1 2 3 4 5 6; do act windowactivate "${ALT_WINDOWS[(i + 1) % 3]}"; pause 0.7; done
  perform
}
rec_alt_tab() {
  local term docs photos
  term=$(terminal 'files - xterm' -maximized -e bash -c 'ls -l --color=always /etc | tail -56; exec bash')
  docs=$(browser "file://$PAGES/docs.html" 'Backups - Team')
  photos=$(browser "file://$PAGES/gallery.html" 'Photos - Spring')
  sleep 4
  ALT_WINDOWS=("$term" "$docs" "$photos")
  xdotool windowactivate --sync "$term"
  at 1200 700; perform; sleep 0.5
  record alt-tab drive_alt_tab
  stop_apps
}

drive_editor() {
  pause 0.1
  perform
  # about 8 characters a second (xdotool type waits half its --delay per character); vim indents the new lines
  xdotool type --delay 250 $'oif not text:\nreturn []'
  pause 0.1; act key Escape; pause 0.2
  act key ctrl+d; pause 0.25; act key ctrl+d; pause 0.25; act key ctrl+u; pause 0.25
  act key --delay 33 j j j j j j j j j j; pause 0.1   # j held: autorepeat, about 27 a second
  act key --delay 33 k k k k k k
  perform
}
rec_code_editor() {
  local src
  src=$WORK/$(basename "$CODE_FILE")
  cp "$CODE_FILE" "$src"
  cat >"$WORK/vimrc" <<'EOF'
set nocompatible t_Co=256 background=dark
syntax on
filetype plugin indent on
colorscheme desert
set number cursorline laststatus=2 ruler noswapfile autoindent
EOF
  TERM=xterm-256color terminal 'editor - xterm' -maximized -e vim -u "$WORK/vimrc" "+$CODE_LINE" "$src" >/dev/null
  sleep 2
  xdotool key z z      # that line in the middle of the window
  sleep 0.5
  record code-editor drive_editor
  stop_apps
}

# --- run ------------------------------------------------------------------------------------------------------
Xvfb "$DISPLAY" -screen 0 ${W}x${H}x24 -nolisten tcp >>"$LOG" 2>&1 & SERVER_PIDS+=($!)
for (( i = 0; i < 50; i++ )); do xdotool getmouselocation >/dev/null 2>&1 && break; sleep 0.1; done
openbox >>"$LOG" 2>&1 & SERVER_PIDS+=($!)
sleep 1
xsetroot -solid '#2e3440' -cursor_name left_ptr

for name in $ONLY; do
  case $name in
    menu-hover) rec_menu_hover ;;
    window-drag-wm) rec_window_drag_wm ;;
    img-page-scroll) rec_img_page_scroll ;;
    dialog-open-close) rec_dialog_open_close ;;
    alt-tab) rec_alt_tab ;;
    code-editor) rec_code_editor ;;
    *) echo "record-desktop.sh: unknown recording $name" >&2; exit 1 ;;
  esac
done
