#include "gst/uniform_children.h"

#include <array>
#include <map>
#include <mutex>

#include "gst/uniforms_property.h"

namespace shaderflow::gstglue {

using Base = render::UniformType::Base;

// The requested values and the children, shared with the children themselves: an application may hold a
// child after the element is gone, and setting it then changes nothing that matters.
struct UniformChildren::Shared {
  mutable std::mutex mutex;
  std::string text;  // the `uniforms` property
  std::string parse_error;
  bool parse_error_new = false;
  std::vector<std::string> parse_warnings;
  render::UniformValues requested;
  std::map<std::string, render::SceneUniform> declared;
  std::vector<GstObject*> children;  // declaration order, one reference each
  std::optional<render::UniformValues> last_values;

  // A uniform as its child shows it: requested, else the scene's default, else zeros.
  std::vector<double> shown(const std::string& name, int components) const;
  void request(const std::string& name, render::UniformValue value) {
    requested[name] = std::move(value);
    text = format_uniforms(requested);
    parse_error.clear();
  }
};

std::vector<double> UniformChildren::Shared::shown(const std::string& name, int components) const {
  std::vector<double> out(static_cast<std::size_t>(components), 0.0);
  const auto declaration = declared.find(name);
  std::optional<render::UniformValue> value;
  if (const auto given = requested.find(name); given != requested.end()) {
    value = given->second;
  } else if (declaration != declared.end()) {
    value = declaration->second.doc.default_value;
  }
  if (value && value->kind == render::UniformValue::Kind::Name) {  // an @enum name: its number
    std::optional<render::UniformValue> number;
    if (declaration != declared.end()) {
      for (const auto& [key, index] : declaration->second.doc.enum_values) {
        if (key == value->name) number = render::UniformValue::of_int({static_cast<double>(index)});
      }
    }
    value = number;
  }
  for (std::size_t i = 0; value && i < out.size() && i < value->components.size(); ++i) out[i] = value->components[i];
  return out;
}

namespace {

enum ChildProperty : guint { PROP_VALUE = 1, PROP_X, PROP_Y, PROP_Z, PROP_W };

struct Shape {
  Base base = Base::Float;
  int components = 1;
};

struct ChildLink {
  std::shared_ptr<UniformChildren::Shared> shared;
};

struct UniformChild {
  GstObject parent;
  ChildLink* link;
};

struct UniformChildClass {
  GstObjectClass parent_class;
  Shape shape;
};

constexpr GParamFlags kChildFlags = static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                                             GST_PARAM_CONTROLLABLE | GST_PARAM_MUTABLE_PLAYING);

Shape shape_of(GstObject* child) {
  return reinterpret_cast<UniformChildClass*>(G_OBJECT_GET_CLASS(child))->shape;
}

GParamSpec* number_spec(const char* name, const char* blurb, Base base) {
  switch (base) {
    case Base::Float: return g_param_spec_double(name, name, blurb, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, kChildFlags);
    case Base::Int: return g_param_spec_int(name, name, blurb, G_MININT, G_MAXINT, 0, kChildFlags);
    case Base::UInt: return g_param_spec_uint(name, name, blurb, 0, G_MAXUINT, 0, kChildFlags);
    default: return g_param_spec_boolean(name, name, blurb, FALSE, kChildFlags);
  }
}

bool number_of(const GValue* value, double& number) {
  switch (G_VALUE_TYPE(value)) {
    case G_TYPE_DOUBLE: number = g_value_get_double(value); return true;
    case G_TYPE_FLOAT: number = g_value_get_float(value); return true;
    case G_TYPE_INT: number = g_value_get_int(value); return true;
    case G_TYPE_UINT: number = g_value_get_uint(value); return true;
    case G_TYPE_INT64: number = static_cast<double>(g_value_get_int64(value)); return true;
    case G_TYPE_UINT64: number = static_cast<double>(g_value_get_uint64(value)); return true;
    case G_TYPE_BOOLEAN: number = g_value_get_boolean(value) ? 1.0 : 0.0; return true;
    default: return false;
  }
}

void set_number(GValue* value, Base base, double number) {
  switch (base) {
    case Base::Float: g_value_set_double(value, number); break;
    case Base::Int: g_value_set_int(value, static_cast<gint>(number)); break;
    case Base::UInt: g_value_set_uint(value, static_cast<guint>(number)); break;
    default: g_value_set_boolean(value, number != 0.0); break;
  }
}

render::UniformValue value_of(const Shape& shape, std::vector<double> components) {
  const auto kind = shape.base == Base::Float  ? render::UniformValue::Kind::Float
                    : shape.base == Base::Bool ? render::UniformValue::Kind::Bool
                                               : render::UniformValue::Kind::Int;
  return {kind, std::move(components), {}};
}

GType number_type(Base base) {
  return base == Base::Float ? G_TYPE_DOUBLE : base == Base::Int ? G_TYPE_INT : base == Base::UInt ? G_TYPE_UINT : G_TYPE_BOOLEAN;
}

// The new components for a set of `id`; false (and why) when the value does not fit the uniform.
bool components_after_set(const Shape& shape, guint id, const GValue* value, std::vector<double>& components,
                          std::string& why) {
  double number = 0.0;
  if (id != PROP_VALUE || shape.components == 1) {
    number_of(value, number);  // GObject checked the type against the property's
    components[id == PROP_VALUE ? 0 : id - PROP_X] = number;
    return true;
  }
  const guint size = gst_value_array_get_size(value);
  if (size != static_cast<guint>(shape.components)) {
    why = "needs " + std::to_string(shape.components) + " components, got " + std::to_string(size);
    return false;
  }
  for (guint i = 0; i < size; ++i) {
    if (!number_of(gst_value_array_get_value(value, i), number)) {
      why = "its components must be numbers or booleans";
      return false;
    }
    components[i] = number;
  }
  return true;
}

void child_set_property(GObject* object, guint id, const GValue* value, GParamSpec*) {
  auto* child = reinterpret_cast<UniformChild*>(object);
  const Shape shape = shape_of(GST_OBJECT(object));
  const std::string name = GST_OBJECT_NAME(object);
  std::string why;
  {
    UniformChildren::Shared& shared = *child->link->shared;
    std::lock_guard<std::mutex> lock(shared.mutex);
    std::vector<double> components = shared.shown(name, shape.components);
    if (components_after_set(shape, id, value, components, why)) shared.request(name, value_of(shape, components));
  }
  if (why.empty()) return;
  if (GstObject* parent = gst_object_get_parent(GST_OBJECT(object))) {
    GST_ELEMENT_WARNING(parent, RESOURCE, SETTINGS, ("uniform '%s': the value %s; keeping the one in use", name.c_str(), why.c_str()),
                        ("Set %s::value to <a, b, ...> with one number per component, or one component through %s::x.",
                         name.c_str(), name.c_str()));
    gst_object_unref(parent);
  }
}

void child_get_property(GObject* object, guint id, GValue* value, GParamSpec*) {
  auto* child = reinterpret_cast<UniformChild*>(object);
  const Shape shape = shape_of(GST_OBJECT(object));
  std::vector<double> components;
  {
    UniformChildren::Shared& shared = *child->link->shared;
    std::lock_guard<std::mutex> lock(shared.mutex);
    components = shared.shown(GST_OBJECT_NAME(object), shape.components);
  }
  if (id != PROP_VALUE || shape.components == 1) {
    set_number(value, shape.base, components[id == PROP_VALUE ? 0 : id - PROP_X]);
    return;
  }
  for (const double number : components) {
    GValue item = G_VALUE_INIT;
    g_value_init(&item, number_type(shape.base));
    set_number(&item, shape.base, number);
    gst_value_array_append_and_take_value(value, &item);
  }
}

GObjectClass* child_parent_class = nullptr;

void child_finalize(GObject* object) {
  delete reinterpret_cast<UniformChild*>(object)->link;
  child_parent_class->finalize(object);
}

void child_class_init(gpointer klass, gpointer data) {
  auto* object_class = G_OBJECT_CLASS(klass);
  const Shape shape = *static_cast<const Shape*>(data);
  reinterpret_cast<UniformChildClass*>(klass)->shape = shape;
  child_parent_class = G_OBJECT_CLASS(g_type_class_peek_parent(klass));
  object_class->set_property = child_set_property;
  object_class->get_property = child_get_property;
  object_class->finalize = child_finalize;
  if (shape.components == 1) {
    g_object_class_install_property(object_class, PROP_VALUE,
                                    number_spec("value", "The uniform's value (animatable with a GstControlSource)", shape.base));
    return;
  }
  g_object_class_install_property(
      object_class, PROP_VALUE,
      gst_param_spec_array("value", "value", "The whole vector, e.g. <1.0,0.5,0.2>; animate x, y, z, w one by one",
                           number_spec("component", "One component", shape.base), kChildFlags));
  static const char* const names[] = {"x", "y", "z", "w"};
  for (int i = 0; i < shape.components; ++i) {
    g_object_class_install_property(object_class, PROP_X + static_cast<guint>(i),
                                    number_spec(names[i], "One component of the vector (animatable)", shape.base));
  }
}

// One GType per uniform shape ("GstShaderflowUniformFloatVec3"), registered when first needed.
GType child_type(const Shape& shape) {
  static std::mutex mutex;
  static std::map<std::pair<int, int>, GType> types;
  static std::array<Shape, 16> shapes;  // class data lives as long as the types
  std::lock_guard<std::mutex> lock(mutex);
  const auto key = std::make_pair(static_cast<int>(shape.base), shape.components);
  if (const auto known = types.find(key); known != types.end()) return known->second;
  const char* base = shape.base == Base::Float ? "Float" : shape.base == Base::Int ? "Int" : shape.base == Base::UInt ? "UInt" : "Bool";
  const std::string name = std::string("GstShaderflowUniform") + base + (shape.components > 1 ? "Vec" + std::to_string(shape.components) : "");
  Shape& data = shapes[types.size()];
  data = shape;
  GTypeInfo info{};
  info.class_size = sizeof(UniformChildClass);
  info.class_init = child_class_init;
  info.class_data = &data;
  info.instance_size = sizeof(UniformChild);
  const GType type = g_type_register_static(GST_TYPE_OBJECT, name.c_str(), &info, static_cast<GTypeFlags>(0));
  types.emplace(key, type);
  return type;
}

GstObject* new_child(const render::SceneUniform& uniform, const std::shared_ptr<UniformChildren::Shared>& shared) {
  auto* child = static_cast<GstObject*>(
      g_object_new(child_type({uniform.type.base, uniform.type.components}), "name", uniform.doc.name.c_str(), nullptr));
  reinterpret_cast<UniformChild*>(child)->link = new ChildLink{shared};
  return GST_OBJECT(gst_object_ref_sink(child));
}

bool same_values(const render::UniformValues& a, const render::UniformValues& b) {
  if (a.size() != b.size()) return false;
  for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
    if (i->first != j->first || i->second.kind != j->second.kind || i->second.components != j->second.components ||
        i->second.name != j->second.name) {
      return false;
    }
  }
  return true;
}

}  // namespace

UniformChildren::UniformChildren(GstElement* element) : element_(element), shared_(std::make_shared<Shared>()) {}

UniformChildren::~UniformChildren() {
  std::vector<GstObject*> children;
  {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    children.swap(shared_->children);
  }
  for (GstObject* child : children) {
    gst_object_unparent(child);
    gst_object_unref(child);
  }
}

void UniformChildren::follow_scene(const std::vector<render::SceneUniform>& uniforms) {
  std::vector<GstObject*> removed, added;
  {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    std::map<std::string, GstObject*> old;
    for (GstObject* child : shared_->children) old.emplace(GST_OBJECT_NAME(child), child);
    std::vector<GstObject*> children;
    shared_->declared.clear();
    for (const render::SceneUniform& uniform : uniforms) {
      shared_->declared.emplace(uniform.doc.name, uniform);
      const auto kept = old.find(uniform.doc.name);
      if (kept != old.end() && shape_of(kept->second).base == uniform.type.base &&
          shape_of(kept->second).components == uniform.type.components) {
        children.push_back(kept->second);
        old.erase(kept);
        continue;
      }
      children.push_back(new_child(uniform, shared_));
      added.push_back(children.back());
    }
    for (const auto& entry : old) removed.push_back(entry.second);
    shared_->children = std::move(children);
  }
  // Signals outside the lock: a handler may look children up.
  const bool proxy = GST_IS_CHILD_PROXY(element_);
  for (GstObject* child : removed) {
    if (proxy) gst_child_proxy_child_removed(GST_CHILD_PROXY(element_), G_OBJECT(child), GST_OBJECT_NAME(child));
    gst_object_unparent(child);
    gst_object_unref(child);
  }
  for (GstObject* child : added) {
    gst_object_set_parent(child, GST_OBJECT(element_));
    if (proxy) gst_child_proxy_child_added(GST_CHILD_PROXY(element_), G_OBJECT(child), GST_OBJECT_NAME(child));
  }
}

void UniformChildren::set_text(const std::string& text) {
  ParsedUniforms parsed = parse_uniforms(text);
  std::lock_guard<std::mutex> lock(shared_->mutex);
  shared_->text = text;
  shared_->parse_error = parsed.ok ? std::string() : parsed.error;
  shared_->parse_error_new = !parsed.ok;
  if (!parsed.ok) return;
  shared_->requested = std::move(parsed.values);
  shared_->parse_warnings = std::move(parsed.warnings);
}

std::string UniformChildren::text() const {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  return shared_->text;
}

std::string UniformChildren::parse_error() const {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  return shared_->parse_error;
}

std::optional<std::string> UniformChildren::take_new_parse_error() {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  if (!std::exchange(shared_->parse_error_new, false) || shared_->parse_error.empty()) return std::nullopt;
  return shared_->parse_error;
}

std::vector<std::string> UniformChildren::take_parse_warnings() {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  return std::exchange(shared_->parse_warnings, {});
}

void UniformChildren::sync(GstClockTime stream_time) {
  std::vector<GstObject*> children;
  {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    for (GstObject* child : shared_->children) children.push_back(GST_OBJECT(gst_object_ref(child)));
  }
  for (GstObject* child : children) {
    gst_object_sync_values(child, stream_time);  // sets the values through child_set_property
    gst_object_unref(child);
  }
}

std::optional<render::UniformValues> UniformChildren::changed_values(const render::UniformValues& automatic, bool force) {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  render::UniformValues values = shared_->requested;
  for (const auto& [name, value] : automatic) {
    if (shared_->declared.count(name)) values.emplace(name, value);  // emplace: a requested value wins
  }
  if (!force && shared_->last_values && same_values(*shared_->last_values, values)) return std::nullopt;
  shared_->last_values = values;
  return values;
}

guint UniformChildren::count() const {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  return static_cast<guint>(shared_->children.size());
}

GObject* UniformChildren::child_at(guint index) const {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  return index < shared_->children.size() ? G_OBJECT(gst_object_ref(shared_->children[index])) : nullptr;
}

GObject* UniformChildren::child_named(const std::string& name) const {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  for (GstObject* child : shared_->children) {
    if (name == GST_OBJECT_NAME(child)) return G_OBJECT(gst_object_ref(child));
  }
  return nullptr;
}

}  // namespace shaderflow::gstglue
