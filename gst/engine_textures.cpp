#include "gst/engine_textures.h"

#include <cstdint>
#include <string>

#include "render/error.h"

GST_DEBUG_CATEGORY_STATIC(engine_textures_debug);
#define GST_CAT_DEFAULT engine_textures_debug

namespace shaderflow::gstglue {

namespace {

constexpr const char kMemoryType[] = "ShaderflowEngineTexture";
constexpr const char kShareGroupField[] = "share-group";

// The plugin and a test program that links the glue as well both carry this code: the first copy to run
// registers the types, the other finds them (they are the same types).
GType engine_texture_api() {
  static GType type = 0;
  if (g_once_init_enter(&type)) {
    // A memory tag: elements between (GstBaseTransform's default) do not copy the proposal on upstream.
    static const gchar* tags[] = {GST_META_TAG_MEMORY_STR, nullptr};
    GType found = g_type_from_name("ShaderflowEngineTextureAPI");
    if (!found) found = gst_meta_api_type_register("ShaderflowEngineTextureAPI", tags);
    GST_DEBUG_CATEGORY_INIT(engine_textures_debug, "shaderflowtextures", 0, "shaderflow engine textures");
    g_once_init_leave(&type, found);
  }
  return type;
}

struct EngineTextureMemory {
  GstMemory memory;
  render::Frame* frame;
  const void* share_group;
  const gchar* renderer;  // for errors: where the texture lives (interned: it outlives any engine)
};

gpointer refuse_map(GstMemory*, gsize, GstMapFlags) {
  GST_ERROR("a shaderflow engine texture was mapped: its pixels are on the GPU, only a shaderflow element that "
            "proposed them in the allocation query can read them");
  return nullptr;
}
void unmap_nothing(GstMemory*) {}
GstMemory* refuse_copy(GstMemory*, gssize, gssize) { return nullptr; }
gboolean no_span(GstMemory*, GstMemory*, gsize*) { return FALSE; }

GstMemory* refuse_alloc(GstAllocator*, gsize, GstAllocationParams*) { return nullptr; }
void free_memory(GstAllocator*, GstMemory* memory) {
  auto* texture = reinterpret_cast<EngineTextureMemory*>(memory);
  delete texture->frame;  // the texture goes back to its engine (no GL call here)
  g_free(texture);
}

void allocator_class_init(gpointer klass, gpointer) {
  auto* allocator_class = static_cast<GstAllocatorClass*>(klass);
  allocator_class->alloc = refuse_alloc;
  allocator_class->free = free_memory;
}

void allocator_init(GTypeInstance* instance, gpointer) {
  auto* allocator = reinterpret_cast<GstAllocator*>(instance);
  allocator->mem_type = kMemoryType;
  allocator->mem_map = refuse_map;
  allocator->mem_unmap = unmap_nothing;
  allocator->mem_copy = refuse_copy;
  allocator->mem_share = refuse_copy;
  allocator->mem_is_span = no_span;
  GST_OBJECT_FLAG_SET(allocator, GST_ALLOCATOR_FLAG_CUSTOM_ALLOC);
}

GstAllocator* allocator() {
  static GstAllocator* instance = nullptr;
  if (g_once_init_enter(&instance)) {
    engine_texture_api();  // and the debug category
    GType type = g_type_from_name("ShaderflowEngineTextureAllocator");
    if (!type) {
      type = g_type_register_static_simple(GST_TYPE_ALLOCATOR, "ShaderflowEngineTextureAllocator",
                                           sizeof(GstAllocatorClass), allocator_class_init, sizeof(GstAllocator),
                                           allocator_init, static_cast<GTypeFlags>(0));
    }
    auto* made = static_cast<GstAllocator*>(g_object_new(type, nullptr));
    gst_object_ref_sink(made);
    GST_OBJECT_FLAG_SET(made, GST_OBJECT_FLAG_MAY_BE_LEAKED);  // one for the process
    g_once_init_leave(&instance, made);
  }
  return instance;
}

guint64 group_value(const void* group) { return static_cast<guint64>(reinterpret_cast<std::uintptr_t>(group)); }

}  // namespace

void propose_engine_textures(GstQuery* query, const render::Engine& engine) {
  GstStructure* params = gst_structure_new("shaderflow-engine-texture", kShareGroupField, G_TYPE_UINT64,
                                           group_value(engine.share_group()), nullptr);
  gst_query_add_allocation_meta(query, engine_texture_api(), params);
  gst_structure_free(params);
}

bool downstream_takes_engine_textures(GstQuery* query, const render::Engine& engine) {
  guint index = 0;
  if (!gst_query_find_allocation_meta(query, engine_texture_api(), &index)) return false;
  const GstStructure* params = nullptr;
  gst_query_parse_nth_allocation_meta(query, index, &params);
  guint64 group = 0;
  return params && gst_structure_get_uint64(params, kShareGroupField, &group) && group == group_value(engine.share_group());
}

GstBuffer* engine_texture_buffer(const render::Frame& frame, const void* share_group, const gchar* renderer,
                                 const GstVideoInfo& info) {
  auto* texture = static_cast<EngineTextureMemory*>(g_malloc0(sizeof(EngineTextureMemory)));
  const gsize size = GST_VIDEO_INFO_SIZE(&info);
  gst_memory_init(&texture->memory, static_cast<GstMemoryFlags>(GST_MEMORY_FLAG_READONLY | GST_MEMORY_FLAG_NOT_MAPPABLE),
                  allocator(), nullptr, size, 0, 0, size);
  texture->frame = new render::Frame(frame);
  texture->share_group = share_group;
  texture->renderer = renderer;
  GstBuffer* buffer = gst_buffer_new();
  gst_buffer_append_memory(buffer, &texture->memory);
  return buffer;
}

bool engine_texture_input(GstBuffer* buffer, const render::Engine& engine, render::InputFrame& frame) {
  if (gst_buffer_n_memory(buffer) != 1) return false;
  GstMemory* memory = gst_buffer_peek_memory(buffer, 0);
  if (!gst_memory_is_type(memory, kMemoryType)) return false;
  const auto* texture = reinterpret_cast<const EngineTextureMemory*>(memory);
  if (texture->share_group != engine.share_group()) {
    throw render::Error(render::ErrorKind::Negotiation,
                        std::string("the upstream shaderflow element's frames are textures on ") + texture->renderer +
                            ", which this element (on " + engine.info().renderer + ") cannot read",
                        "Give both elements the same device, or put gldownload between them.");
  }
  frame.texture = texture->frame->texture();
  frame.bottom_up = texture->frame->bottom_up();
  frame.fence = texture->frame->fence();
  frame.owner = std::shared_ptr<const void>(gst_buffer_ref(buffer), [](const void* held) {
    gst_buffer_unref(static_cast<GstBuffer*>(const_cast<void*>(held)));
  });
  return true;
}

}  // namespace shaderflow::gstglue
