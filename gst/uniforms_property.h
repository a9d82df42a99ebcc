// The elements' `uniforms` property: a GstStructure string ("u,speed=1.5,tint=<1.0,0.5,0.2>") turned
// into engine uniform values.
#pragma once

#include <string>
#include <vector>

#include "render/uniforms.h"

namespace shaderflow::gstglue {

struct ParsedUniforms {
  bool ok = true;
  std::string error;                  // when !ok: what is wrong with the string and how to write it
  render::UniformValues values;
  std::vector<std::string> warnings;  // fields that cannot be uniforms (strings, nested lists, ...)
};

// An empty string gives no values. The structure name may be left out ("speed=1.5" works too).
ParsedUniforms parse_uniforms(const std::string& text);

// The values as a string parse_uniforms reads back as the same values (kinds included: floats keep a
// decimal point), e.g. "u,speed=1.5,count=3,on=true,tint=<1.0,0.5,0.2>"; "" for no values.
std::string format_uniforms(const render::UniformValues& values);

}  // namespace shaderflow::gstglue
