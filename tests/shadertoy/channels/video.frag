// shaderflow test: a video channel. The picture is the clip's frame at the scene's time, except the
// bottom row, which shows iChannelTime[1]: its fraction in red, its whole seconds / 8 in green.
void mainImage(out vec4 fragColor, in vec2 fragCoord) {
  fragColor = texture(iChannel1, fragCoord / iResolution.xy);
  if (fragCoord.y < 1.0) {
    fragColor = vec4(fract(iChannelTime[1]), floor(iChannelTime[1]) / 8.0, 0.0, 1.0);
  }
}
