#pass A name=iLife temporal=10 size=192x108 filter=nearest wrap=repeat start=cells.png
void main() { fragColor = texture(iLife1x0, astuv) + vec4(iLifeSize, 0.0, 1.0); }
#pass image layers=2
void main() {
  if (iLayer == 0) fragColor = texture(iLife0x0, astuv);
  else fragColor = stexture(iScreenTexture(0, 0), stuv) + iScreenTexture(1, 1, astuv) + texture(iScreen1, astuv);
}
