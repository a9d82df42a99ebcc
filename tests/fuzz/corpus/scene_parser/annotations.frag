uniform int mode;      // @enum off=0 wave=1 spiral=2 @default wave  Which pattern
uniform float speed;   // @range 0 4 @default 1.5  How fast
uniform vec3 tint = vec3(1.0, 0.5, 0.2);  // Colour
uniform bool on = true;
/* block
 comment */ void main() { fragColor = vec4(tint * speed, 1.0); }
