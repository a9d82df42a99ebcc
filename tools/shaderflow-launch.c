/* shaderflow-launch: runs a gst-launch-1.0 pipeline description to its end and exits with its result.
 *
 *   shaderflow-launch [-q] [-v] [--property-from-env ELEMENT.PROPERTY=VARIABLE]... PIPELINE-DESCRIPTION
 *
 * Exit status 0 after EOS, 1 after an ERROR (or a pipeline that cannot be built or started), 130 when a
 * second SIGINT/SIGTERM stopped it before the end of stream arrived.
 *
 * Why not gst-launch-1.0: in GStreamer 1.22 its bus sync handler calls g_main_loop_quit() on the thread
 * that posts the ERROR. An error found on a streaming thread before the main thread has entered
 * g_main_loop_run() is then lost (the loop is not running yet, so there is nothing to quit), nobody sets
 * the pipeline to NULL and gst-launch-1.0 hangs after printing the error. Here every message is handled
 * by a bus watch on the main loop, so a quit can only come from inside the running loop.
 *
 * SIGINT and SIGTERM send EOS (what gst-launch-1.0 -e does for SIGINT), so muxers finish their files and
 * streams end cleanly; a second signal stops at once. --property-from-env takes a value (a stream key
 * URL) from the environment, which other users cannot read, instead of the command line, which they
 * can; RTMP URLs in everything printed keep their host and application and show **** for the key.
 */
#include <glib-unix.h>
#include <gst/gst.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { EXIT_EOS = 0, EXIT_PIPELINE_ERROR = 1, EXIT_INTERRUPTED = 130 };
/* How long the pipeline may take to reach NULL once it is over, before the process ends anyway. */
#define SHUTDOWN_LIMIT_S 10

typedef struct {
  GstElement *pipeline;
  GMainLoop *loop;
  gboolean quiet;
  gboolean is_live;
  gboolean buffering;
  gboolean eos_sent;
  int status;
  GRegex *secret_url;
} Launch;

/* In rtmp://host/app/KEY (and rtmps, rtmpt, ...) everything after the application is the stream key. */
static char *redact(const Launch *launch, const char *text) {
  char *shown = g_regex_replace(launch->secret_url, text, -1, 0, "\\1****", 0, NULL);
  return shown ? shown : g_strdup("(message withheld: it could not be checked for stream keys)\n");
}

static void print_redacted(const Launch *launch, FILE *stream, const char *format, ...) G_GNUC_PRINTF(3, 4);
static void print_redacted(const Launch *launch, FILE *stream, const char *format, ...) {
  va_list args;
  va_start(args, format);
  char *text = g_strdup_vprintf(format, args);
  va_end(args);
  char *shown = redact(launch, text);
  fputs(shown, stream);
  fflush(stream);
  g_free(shown);
  g_free(text);
}

/* The same text as gst-launch-1.0 prints, so existing log filters keep working. */
static void print_error_or_warning(const Launch *launch, GstMessage *message) {
  GError *error = NULL;
  char *debug = NULL;
  gboolean is_error = GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR;
  if (is_error)
    gst_message_parse_error(message, &error, &debug);
  else
    gst_message_parse_warning(message, &error, &debug);
  char *source = gst_object_get_path_string(GST_MESSAGE_SRC(message));
  print_redacted(launch, stderr, "%s: from element %s: %s\n", is_error ? "ERROR" : "WARNING", source,
                 error->message);
  if (debug)
    print_redacted(launch, stderr, "Additional debug info:\n%s\n", debug);
  g_free(source);
  g_free(debug);
  g_error_free(error);
}

static void print_property_notify(const Launch *launch, GstMessage *message) {
  GstObject *object = NULL;
  const char *name = NULL;
  const GValue *value = NULL;
  gst_message_parse_property_notify(message, &object, &name, &value);
  char *path = gst_object_get_path_string(object);
  char *text = value == NULL ? g_strdup("(no value)")
               : G_VALUE_HOLDS_STRING(value) ? g_value_dup_string(value)
                                              : gst_value_serialize(value);
  print_redacted(launch, stdout, "%s: %s = %s\n", path, name, text ? text : "(unprintable)");
  g_free(text);
  g_free(path);
}

/* Non-live pipelines pause while a network source refills its buffer, as gst-launch-1.0 does. */
static void follow_buffering(Launch *launch, GstMessage *message) {
  int percent = 0;
  gst_message_parse_buffering(message, &percent);
  if (launch->is_live || launch->eos_sent)
    return;
  gboolean buffering = percent < 100;
  if (buffering != launch->buffering)
    gst_element_set_state(launch->pipeline, buffering ? GST_STATE_PAUSED : GST_STATE_PLAYING);
  launch->buffering = buffering;
}

static gboolean on_message(GstBus *bus, GstMessage *message, gpointer data) {
  (void)bus;
  Launch *launch = data;
  switch (GST_MESSAGE_TYPE(message)) {
    case GST_MESSAGE_ERROR:
      print_error_or_warning(launch, message);
      launch->status = EXIT_PIPELINE_ERROR;
      g_main_loop_quit(launch->loop);
      break;
    case GST_MESSAGE_WARNING:
      print_error_or_warning(launch, message);
      break;
    case GST_MESSAGE_EOS:
      if (!launch->quiet)
        printf("Got EOS from element \"%s\".\n", GST_MESSAGE_SRC_NAME(message));
      g_main_loop_quit(launch->loop);
      break;
    case GST_MESSAGE_PROPERTY_NOTIFY:
      print_property_notify(launch, message);
      break;
    case GST_MESSAGE_BUFFERING:
      follow_buffering(launch, message);
      break;
    case GST_MESSAGE_LATENCY:
      gst_bin_recalculate_latency(GST_BIN(launch->pipeline));
      break;
    case GST_MESSAGE_CLOCK_LOST:
      gst_element_set_state(launch->pipeline, GST_STATE_PAUSED);
      gst_element_set_state(launch->pipeline, GST_STATE_PLAYING);
      break;
    case GST_MESSAGE_REQUEST_STATE: {
      GstState state;
      gst_message_parse_request_state(message, &state);
      gst_element_set_state(launch->pipeline, state);
      break;
    }
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

/* gst_element_send_event() can block while a streaming thread holds its lock (a sink waiting on the clock,
 * a full queue), so the EOS goes from a thread of its own and the loop stays free for a second signal. */
static gpointer send_eos(gpointer data) {
  GstElement *pipeline = data;
  gst_element_send_event(pipeline, gst_event_new_eos());
  gst_object_unref(pipeline);
  return NULL;
}

/* First signal: end of stream, so files and streams are finished properly. Second: stop now. */
static gboolean on_interrupt(gpointer data) {
  Launch *launch = data;
  if (launch->eos_sent) {
    fprintf(stderr, "shaderflow-launch: interrupted again while waiting for EOS; stopping the pipeline\n");
    launch->status = EXIT_INTERRUPTED;
    g_main_loop_quit(launch->loop);
    return G_SOURCE_CONTINUE;
  }
  if (!launch->quiet)
    printf("Interrupt: sending EOS to end the stream (interrupt again to stop at once) ...\n");
  launch->eos_sent = TRUE;
  g_thread_unref(g_thread_new("send-eos", send_eos, gst_object_ref(launch->pipeline)));
  return G_SOURCE_CONTINUE;
}

/* ELEMENT.PROPERTY=VARIABLE: the element is found by name (name=... in the description). */
static gboolean set_property_from_env(GstElement *pipeline, const char *spec, GError **error) {
  const char *dot = strchr(spec, '.');
  const char *equals = dot ? strchr(dot, '=') : NULL;
  if (!dot || !equals || dot == spec || equals == dot + 1 || equals[1] == '\0') {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--property-from-env '%s': write ELEMENT.PROPERTY=VARIABLE, e.g. out.location=RTMP_URL", spec);
    return FALSE;
  }
  char *element_name = g_strndup(spec, dot - spec);
  char *property = g_strndup(dot + 1, equals - dot - 1);
  const char *variable = equals + 1;
  const char *value = g_getenv(variable);
  /* The named element may be the pipeline itself (playbin name=p). */
  GstElement *element = g_strcmp0(GST_OBJECT_NAME(pipeline), element_name) == 0
                            ? gst_object_ref(pipeline)
                            : gst_bin_get_by_name(GST_BIN(pipeline), element_name);
  gboolean ok = FALSE;
  if (!element)
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--property-from-env: the pipeline has no element named '%s' (give it name=%s)",
                element_name, element_name);
  else if (!g_object_class_find_property(G_OBJECT_GET_CLASS(element), property))
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--property-from-env: %s has no property '%s'",
                element_name, property);
  else if (!value)
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--property-from-env: the environment variable %s (for %s.%s) is not set", variable,
                element_name, property);
  else {
    gst_util_set_object_arg(G_OBJECT(element), property, value);
    ok = TRUE;
  }
  if (element)
    gst_object_unref(element);
  g_free(property);
  g_free(element_name);
  return ok;
}

static GstElement *build_pipeline(const Launch *launch, char **description, char **from_env) {
  GError *error = NULL;
  GstElement *top = gst_parse_launchv((const char **)description, &error);
  if (!top || error) {
    print_redacted(launch, stderr, "ERROR: pipeline could not be constructed: %s.\n",
                   error ? error->message : "unknown error");
    g_clear_error(&error);
    if (top)
      gst_object_unref(top);
    return NULL;
  }
  GstElement *pipeline = top;
  if (!GST_IS_PIPELINE(top)) {
    pipeline = gst_pipeline_new(NULL);
    gst_bin_add(GST_BIN(pipeline), top);
  }
  for (char **spec = from_env; spec && *spec; spec++) {
    if (!set_property_from_env(pipeline, *spec, &error)) {
      fprintf(stderr, "ERROR: %s\n", error->message);
      g_clear_error(&error);
      gst_object_unref(pipeline);
      return NULL;
    }
  }
  return pipeline;
}

/* A start that fails leaves its reasons on the bus. The first ERROR is the cause; later ones (GstBaseSrc's
 * "state change failed") only follow from it. */
static gboolean print_pending_errors(const Launch *launch) {
  GstBus *bus = gst_element_get_bus(launch->pipeline);
  GstMessage *message;
  gboolean printed_error = FALSE;
  while ((message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR | GST_MESSAGE_WARNING))) {
    gboolean is_error = GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR;
    if (!(is_error && printed_error))
      print_error_or_warning(launch, message);
    printed_error |= is_error;
    gst_message_unref(message);
  }
  gst_object_unref(bus);
  return printed_error;
}

static GMutex shutdown_lock;
static GCond shutdown_done;
static gboolean shutdown_finished;

/* A pipeline whose streaming thread never returns must not keep a container (or a script) waiting. */
static gpointer shutdown_watchdog(gpointer data) {
  int status = GPOINTER_TO_INT(data);
  gint64 deadline = g_get_monotonic_time() + SHUTDOWN_LIMIT_S * G_TIME_SPAN_SECOND;
  g_mutex_lock(&shutdown_lock);
  while (!shutdown_finished) {
    if (!g_cond_wait_until(&shutdown_done, &shutdown_lock, deadline)) {
      fprintf(stderr, "shaderflow-launch: the pipeline did not stop within %d s; exiting without it\n",
              SHUTDOWN_LIMIT_S);
      _exit(status == EXIT_EOS ? EXIT_PIPELINE_ERROR : status);
    }
  }
  g_mutex_unlock(&shutdown_lock);
  return NULL;
}

static void stop_pipeline(const Launch *launch) {
  GThread *watchdog = g_thread_new("shutdown-watchdog", shutdown_watchdog, GINT_TO_POINTER(launch->status));
  gst_element_set_state(launch->pipeline, GST_STATE_NULL);
  g_mutex_lock(&shutdown_lock);
  shutdown_finished = TRUE;
  g_cond_signal(&shutdown_done);
  g_mutex_unlock(&shutdown_lock);
  g_thread_join(watchdog);
}

static int run(Launch *launch, gboolean verbose) {
  if (verbose)
    gst_element_add_property_deep_notify_watch(launch->pipeline, NULL, TRUE);
  GstBus *bus = gst_element_get_bus(launch->pipeline);
  guint watch = gst_bus_add_watch(bus, on_message, launch);
  gst_object_unref(bus);
  guint sigint = g_unix_signal_add(SIGINT, on_interrupt, launch);
  guint sigterm = g_unix_signal_add(SIGTERM, on_interrupt, launch);

  GstStateChangeReturn started = gst_element_set_state(launch->pipeline, GST_STATE_PLAYING);
  if (started == GST_STATE_CHANGE_FAILURE) {
    if (!print_pending_errors(launch))
      fprintf(stderr, "ERROR: the pipeline could not be started, and no element said why.\n");
    launch->status = EXIT_PIPELINE_ERROR;
  } else {
    launch->is_live = started == GST_STATE_CHANGE_NO_PREROLL;
    g_main_loop_run(launch->loop);
  }
  if (!launch->quiet)
    printf("Setting pipeline to NULL ...\n");
  stop_pipeline(launch);
  g_source_remove(sigterm);
  g_source_remove(sigint);
  g_source_remove(watch);
  return launch->status;
}

int main(int argc, char **argv) {
  gboolean quiet = FALSE, verbose = FALSE, eos_on_shutdown = TRUE;
  char **from_env = NULL;
  char **description = NULL;
  GOptionEntry options[] = {
      {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print only errors and warnings", NULL},
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Print property changes, as gst-launch-1.0 -v", NULL},
      {"eos-on-shutdown", 'e', 0, G_OPTION_ARG_NONE, &eos_on_shutdown,
       "Accepted for gst-launch-1.0 compatibility: SIGINT and SIGTERM always send EOS first", NULL},
      {"property-from-env", 0, 0, G_OPTION_ARG_STRING_ARRAY, &from_env,
       "Set ELEMENT's PROPERTY from the environment variable VARIABLE (keeps secrets off the command line)",
       "ELEMENT.PROPERTY=VARIABLE"},
      {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &description, NULL, "PIPELINE-DESCRIPTION"},
      {NULL}};
  GOptionContext *context = g_option_context_new("PIPELINE-DESCRIPTION");
  g_option_context_set_summary(context,
      "Runs a GStreamer pipeline like gst-launch-1.0 -e, and always exits: 0 after EOS, 1 after an error.");
  g_option_context_add_main_entries(context, options, NULL);
  g_option_context_add_group(context, gst_init_get_option_group());
  GError *error = NULL;
  if (!g_option_context_parse(context, &argc, &argv, &error) || !description) {
    fprintf(stderr, "shaderflow-launch: %s\n", error ? error->message : "no pipeline description given");
    g_clear_error(&error);
    g_option_context_free(context);
    return EXIT_PIPELINE_ERROR;
  }
  g_option_context_free(context);

  Launch launch = {.quiet = quiet, .status = EXIT_EOS};
  /* RAW: messages need not be UTF-8 (file names), and a failed match must never print the text as is. */
  launch.secret_url = g_regex_new("\\b(rtmp[a-z]{0,2}://[^/\\s\"']+/[^/\\s\"']+/)[^\\s\"',;)]+", G_REGEX_RAW, 0, NULL);
  launch.pipeline = build_pipeline(&launch, description, from_env);
  g_strfreev(description);
  g_strfreev(from_env);
  if (!launch.pipeline) {
    g_regex_unref(launch.secret_url);
    return EXIT_PIPELINE_ERROR;
  }
  launch.loop = g_main_loop_new(NULL, FALSE);
  int status = run(&launch, verbose);
  gst_object_unref(launch.pipeline);
  g_main_loop_unref(launch.loop);
  g_regex_unref(launch.secret_url);
  return status;
}
