// Turns the user's GLSL into a complete fragment shader (prelude + user code + wrapper) and maps the
// compiler's messages back to the user's own line numbers. Pure string work: unit-tested without GL.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "render/uniforms.h"

namespace shaderflow::render {

enum class GlslDialect { Desktop330, Es300 };

// How the prelude declares iChannelN: as Shadertoy does, samplerCube for cubemaps, sampler3D for volumes
// and sampler2D for everything else.
// iChannel0..7: Shadertoy has four; a mixer needs at least eight inputs. Texture units: the output pass
// samples unit 0, channel N unit N + 1, so 9 of the 16 fragment units GL guarantees are in use.
inline constexpr int kChannelCount = 8;

enum class TextureType { Texture2D, Cube, Texture3D };
using ChannelTypes = std::array<TextureType, kChannelCount>;

// Who provides main(): Shadertoy code defines mainImage() and the assembly adds a main() that calls it;
// native and ShaderFlow scenes define main() themselves. None adds no main() at all (for probing what
// the user's code defines once the preprocessor has run; see gl_program.h).
enum class EntryPoint { MainImage, Main, None };

// The text without a leading UTF-8 byte-order mark (editors on Windows write one; compilers choke on it).
std::string without_byte_order_mark(const std::string& text);

// The uniforms every scene gets (Shadertoy names, then ShaderFlow's); declared by the prelude, set by the engine.
extern const char* const kBuiltinUniformNames[];
bool is_builtin_uniform(const std::string& name);

// A piece of the user's GLSL and where it came from: the file errors name and the line (1-based) of that
// file where `code` starts (a pass of a multipass file starts below its `#pass` line).
struct SourceText {
  std::string code;
  std::string name;
  int first_line = 1;
};

// A pass's kept frames as code addresses them (ShaderFlow's temporal and layer textures, see
// render/pass_frames.h): samplers NAME{t}x{k} for t < temporal, k < layers.
struct FrameTextures {
  std::string name;  // "iScreen", "iBufferA", `#pass ... name=`
  int buffer = -1;   // whose: 0..3 for A..D, -1 for the image pass
  int temporal = 1, layers = 1;
  bool kept = false;  // the pass draws into textures of its own (buffers always; the image pass when needed)
  bool operator==(const FrameTextures& other) const {
    return name == other.name && buffer == other.buffer && temporal == other.temporal && layers == other.layers &&
           kept == other.kept;
  }
};

struct AssembledShader {
  std::string text;          // the full shader handed to glShaderSource
  std::string source_name;   // how errors name the user's code: "plasma.frag", "/path/x.frag", "fragment"
  int prelude_lines = 0;     // lines before the pass's own first line (prelude and Common)
  int user_lines = 0;        // lines of the pass's own code
  // Where each piece of user code sits in `text`, so compiler positions map back to its file and line.
  struct Segment {
    std::string name;
    int first_text_line = 1;  // 1-based line of `text` where the piece starts
    int lines = 0;
    int first_user_line = 1;  // the line of the user's file that is
  };
  std::vector<Segment> segments;
  bool shaderflow_coordinates = false;  // stuv, gluv, ... are declared and set before the user's code runs
  bool shadertoy_style = false;  // defines mainImage(); we add main()
  GlslDialect dialect = GlslDialect::Desktop330;
  EntryPoint entry = EntryPoint::MainImage;
  // Defaults written as initialisers (`uniform float gain = 1.5;`). GLSL ES forbids uniform
  // initialisers, so they are taken out of the code and set by the engine instead, on GL and GLES alike.
  std::map<std::string, UniformValue> uniform_defaults;
  // ShaderFlow's library (render/glsl_library.h): the entries compiled in, whether the code is a ShaderFlow
  // scene, and the iChannel each of its named textures reads.
  std::vector<std::string> library_entries;
  bool shaderflow_scene = false;
  std::vector<std::pair<std::string, int>> shaderflow_textures;
  // "float iAudioVolume": uniforms declared for values given through `uniforms` (see glsl_library.h).
  std::vector<std::string> given_uniforms;
  // The kept-frame textures the code names and the names declared for them (render/pass_frames.h).
  std::vector<FrameTextures> frame_textures;
  std::set<std::string> frame_names;
};

// The entry point the text suggests before any compiler has seen it (comments ignored): main() when the
// code names main but never mainImage, else mainImage. Only a guess: macros and #if decide what is
// really there, which is why passes are compiled through build_pass_program (gl_program.h).
// Throws Error(ShaderCompile) when the code names neither.
EntryPoint likely_entry_point(const std::string& code, const std::string& source_name);
// Whether the code (comments ignored) contains `name` as a whole word.
bool names_identifier(const std::string& code, const std::string& name);
// The dialect the user's own #version line asks for ("#version 300 es" or "#version 330"), if any.
std::optional<GlslDialect> declared_dialect(const std::string& code);

// These overloads take the entry point from likely_entry_point(). Throws Error(ShaderCompile) when the
// source names neither mainImage nor main, or a uniform initialiser is not a literal or a constructor
// of literals.
AssembledShader assemble_fragment_shader(const std::string& user_code, const std::string& source_name,
                                         GlslDialect dialect);
// A pass of a multipass scene: `common` (may be empty) is prepended to the pass's code.
AssembledShader assemble_fragment_shader(const SourceText& common, const SourceText& pass, GlslDialect dialect);

// How the image pass writes the frame. Upright output (desktop GL only) renders the picture top row
// first, so its framebuffer has the memory order of a video frame and can be read back as it is: the
// vertex shader flips the triangle, gl_FragCoord is redeclared with origin_upper_left (GLSL 3.30) or
// replaced by a flipped copy (GLSL ES has no origin_upper_left) and dFdy() negated, so fragCoord,
// gl_FragCoord and derivatives keep Shadertoy's bottom-left meaning in both dialects. The colour
// is then swizzled into the memory byte order and, for opaque formats, given alpha 1 (compiled in:
// a per-pixel matrix costs llvmpipe more than a simple scene itself).
//
// The size, when known (width > 0), is compiled in too: iResolution (and ShaderFlow's iWidth, iHeight,
// iAspectRatio) become constants, so the compiler folds the reciprocal of Shadertoy's ubiquitous
// `fragCoord / iResolution.xy` instead of dividing at every pixel (llvmpipe: 1.7 ms of a 7 ms 1080p frame
// for the trivial scene). Buffer passes get the size alone. A new size compiles the scene again.
struct ImageOutput {
  bool upright = false;
  std::string swizzle = "rgba";  // memory byte k holds component swizzle[k]
  bool opaque = false;
  int width = 0, height = 0;  // the pass's render size; 0: unknown (uniforms)
  // Alpha written as 1 whatever Shadertoy-style code (mainImage) computes: Shadertoy's opaque canvas, see
  // Scene::opaque_image. A main() of the user's own keeps its alpha.
  bool ignore_alpha = false;
  bool operator==(const ImageOutput& other) const {
    return upright == other.upright && swizzle == other.swizzle && opaque == other.opaque && width == other.width &&
           height == other.height && ignore_alpha == other.ignore_alpha;
  }
  bool operator!=(const ImageOutput& other) const { return !(*this == other); }
};
AssembledShader assemble_fragment_shader(const SourceText& common, const SourceText& pass, GlslDialect dialect,
                                         const ImageOutput& output);
// `entry`: how the pass is entered (see EntryPoint). `given`: the values of the `uniforms` property; those
// the code uses without any declaration are declared with their value's type (ShaderFlow scenes read
// values its Python side declares). `channels`: what iChannel0..7 are declared as (sampler2D by default).
// `frames`: the scene's kept frames; those the code names are declared.
AssembledShader assemble_fragment_shader(const SourceText& common, const SourceText& pass, GlslDialect dialect,
                                         const ImageOutput& output, EntryPoint entry,
                                         const UniformValues& given = {}, const ChannelTypes& channels = {},
                                         const std::vector<FrameTextures>& frames = {});

// Rewrites a compiler/linker log so that every position refers to the user's file and line
// ("plasma.frag:3:5: error: ..."); understands Mesa, NVIDIA and glslang/ANGLE-style positions.
std::string map_shader_log(const std::string& log, const AssembledShader& shader);

// Names of the uniforms the user's code declares (comments ignored), in order of appearance.
std::vector<std::string> declared_uniforms(const std::string& user_code);

// One name a uniform declaration declares, and where its initialiser (from '=' on) lies in the code.
struct UniformDeclarator {
  std::string type;  // "vec3"
  std::string name;
  bool array = false;
  std::string initialiser;  // the text after '=', "" when none
  std::size_t initialiser_begin = std::string::npos, initialiser_end = std::string::npos;
};
// The uniform declarators of comment-free code (strip_comments), in order.
std::vector<UniformDeclarator> uniform_declarators(const std::string& code);

// What a scene says about one of its uniforms, from the declaration and the comment on its line:
//   uniform int mode;      // @enum off=0 wave=1 spiral=2 @default wave  Which pattern to draw
//   uniform float speed;   // @range 0 4 @default 1.5  How fast it moves
//   uniform vec3 tint = vec3(1.0, 0.5, 0.2);  // Colour of the rings
// @default takes one value without spaces (1.5, true, <1,0.5,0.2>, vec3(1,0.5,0.2), an @enum name);
// the words that are not part of an @tag are the description.
struct UniformDoc {
  std::string name;
  std::string type;  // as declared: "int", "vec3"
  std::string description;
  std::optional<UniformValue> default_value;  // @default, else the initialiser
  std::optional<std::pair<double, double>> range;
  std::vector<std::pair<std::string, int>> enum_values;
  int line = 0;  // of the declaration in `code`
};
// Throws Error(ShaderCompile) naming the line for a malformed annotation.
std::vector<UniformDoc> uniform_docs(const std::string& code, const std::string& source_name);

// The value of `uniform TYPE NAME = VALUE;` as the user wrote it (VALUE: the text after '='): a literal,
// or a constructor of literals (vec3(1.0, 0.5, 0.2), vec3(0.5) broadcast). False when it is anything else.
bool parse_uniform_default(const std::string& type, std::string text, UniformValue& value);

// The code with comments blanked out (newlines kept, so line numbers stay).
std::string strip_comments(const std::string& code);

}  // namespace shaderflow::render
