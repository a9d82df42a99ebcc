#pass common
float f(float x) { return x; }
#pass A
// @channel0 A filter=nearest wrap=clamp
// @channel1 pictures/wood.png filter=mipmap wrap=repeat vflip=false
void mainImage(out vec4 c, in vec2 p) { c = texture(iChannel0, p); }
#pass B
// @channel0 A
void mainImage(out vec4 c, in vec2 p) { c = vec4(1.0); }
#pass image
// @channel0 B
// @channel1 input
// @channel2 none
void mainImage(out vec4 c, in vec2 p) { c = texture(iChannel0, p); }
