// Frames that pass between shaderflow elements as the engines' own textures: when a shaderflow element
// downstream (the filter) renders in the same share group as the producer, GL memory needs no GstGL at
// all. Its engine samples the producer's texture as its input, in GL orientation (row 0 at the bottom,
// render::OutputMemory::EngineTexture), so a chain renders one pass an element and reads back once, at
// its end: on every renderer, also on llvmpipe, where textures are not shared with GstGL (gl_interop.h).
//
// How a producer learns it may: the consumer proposes an allocation meta of its own API with its share
// group in the allocation query; elements between them pass the query on (queue, capsfilter) or keep
// only what every branch proposed (tee). The buffers carry one memory of a type of ours that holds the
// producer's frame; it cannot be mapped (its bytes are on the GPU), which no element that did not propose
// the meta sees.
#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>

#include "render/engine.h"

namespace shaderflow::gstglue {

// Consumer: offers to take engine textures of `engine`'s share group (GL-memory caps only).
void propose_engine_textures(GstQuery* query, const render::Engine& engine);
// Producer: whether the allocation query's downstream takes engine textures of `engine`'s share group.
bool downstream_takes_engine_textures(GstQuery* query, const render::Engine& engine);
// Producer: the buffer for a frame of OutputMemory::EngineTexture of an engine in `share_group` on
// `renderer` (an interned string, for errors); it holds the frame until freed.
GstBuffer* engine_texture_buffer(const render::Frame& frame, const void* share_group, const gchar* renderer,
                                 const GstVideoInfo& info);
// Consumer: when `buffer` is such a buffer, its texture as the input frame of `engine` (holding the
// buffer until the engine is done with it). False for other buffers. Throws render::Error when the
// texture is of another share group than `engine`'s (it cannot be read here).
bool engine_texture_input(GstBuffer* buffer, const render::Engine& engine, render::InputFrame& frame);

}  // namespace shaderflow::gstglue
