# Writes /tmp/rec/page.html: an article with headings, paragraphs and inline real photos.
import random
random.seed(7)
words = ("the of and a to in is was that for on with as by at from his her an which this were be are have "
 "image camera light lens exposure colour sensor detail photograph scene subject frame focus depth shadow "
 "texture contrast morning table coffee cup astronaut suit rocket launch cat motorcycle engine street "
 "observation telescope galaxy field distant survey archive museum collection history science public").split()
def para(n):
    s=[]
    for _ in range(n):
        w=[random.choice(words) for _ in range(random.randint(9,22))]
        w[0]=w[0].capitalize(); s.append(" ".join(w)+".")
    return "<p>"+" ".join(s)+"</p>"
imgs=[("coffee.png",800,"A cup of coffee on a saucer, photographed from above."),
      ("astronaut.png",640,"Astronaut Eileen Collins, NASA portrait."),
      ("rocket.jpg",880,"A rocket on the launch pad."),
      ("chelsea.png",720,"Chelsea the cat."),
      ("motorcycle.png",860,"A motorcycle in a workshop (Middlebury stereo data set)."),
      ("hubble.jpg",700,"The Hubble Deep Field.")]
body=["<h1>Looking closely: six photographs from the public archive</h1>",
      "<p class=by>By A. Writer &middot; 14 min read &middot; Updated 3 March</p>", para(5), para(4)]
for i,(f,w,c) in enumerate(imgs):
    body.append(f"<h2>{i+1}. {c.split(',')[0].rstrip('.')}</h2>")
    body.append(para(3))
    body.append(f'<figure><img src="img/{f}" width="{w}"><figcaption>{c}</figcaption></figure>')
    body.append(para(4)); body.append(para(3))
html=f"""<!doctype html><html><head><meta charset=utf-8><title>Article</title><style>
body{{margin:0;background:#fafaf7;color:#222;font:19px/1.6 'DejaVu Serif',serif}}
main{{max-width:960px;margin:0 auto;padding:40px 40px 400px}}
h1{{font:bold 40px/1.2 'DejaVu Sans',sans-serif;margin:10px 0}} h2{{font:bold 27px 'DejaVu Sans',sans-serif;margin-top:44px}}
.by{{color:#777;font:15px 'DejaVu Sans',sans-serif}} figure{{margin:26px 0;text-align:center}}
img{{max-width:100%;height:auto;border-radius:3px}} figcaption{{color:#666;font:italic 15px 'DejaVu Sans';margin-top:6px}}
</style></head><body><main>{''.join(body)}</main></body></html>"""
open("/tmp/rec/page.html","w").write(html)
