# Tributary's runtime client for the python3.* runtimes: one file, standard library only, so that a worker
# process starts with a bare interpreter. Like node-bootstrap.mjs it speaks the Lambda Runtime API to
# AWS_LAMBDA_RUNTIME_API, loads the handler named by _HANDLER (`file.function` or `pkg/sub/file.function`) once,
# and serves one invocation at a time until the server kills the process. What the function sees follows AWS's
# Python runtime (aws-lambda-python-runtime-interface-client): the context object, the root logger's line
# format, the error document and the Runtime.* error types and messages.
import importlib
import json
import logging
import os
import resource
import signal
import socket
import sys
import time
import traceback
from decimal import Decimal

API = "/2018-06-01/runtime"
# AWS's text log format joins the lines of one error report with CR (one log event) and indents its trace
# with no-break spaces.
ERROR_LINE_JOIN = "\r"
TRACE_INDENT = "\u00a0"

_request_id = None


class RuntimeApi:
    """A minimal HTTP/1.1 client on one kept-alive socket. Requests may be pipelined: the result of an
    invocation and the poll for the next one go out in one write, their responses come back in order."""

    def __init__(self, address):
        # host:port, or host:port/prefix (Tributary's workers: the prefix is the worker's token), read the way
        # clients that write "http://" + AWS_LAMBDA_RUNTIME_API + "/2018-06-01/..." read it.
        authority, slash, prefix = address.partition("/")
        host, _, port = authority.rpartition(":")
        self.authority = authority
        self.prefix = slash + prefix
        self.endpoint = (host, int(port))
        self.sock = None
        self.buf = b""

    def _connect(self):
        if self.sock is None:
            self.sock = socket.create_connection(self.endpoint)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.buf = b""
        return self.sock

    def _wire(self, method, path, headers, body):
        head = "%s %s%s HTTP/1.1\r\nhost: %s\r\n" % (method, self.prefix, path, self.authority)
        for k, v in headers.items():
            head += "%s: %s\r\n" % (k, v)
        if body is not None:
            head += "content-length: %d\r\n" % len(body)
        return head.encode("latin-1") + b"\r\n" + (body or b"")

    def _recv(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            self.sock.close()
            self.sock = None
            raise ConnectionError("runtime API closed the connection")
        self.buf += chunk

    def _response(self):
        while b"\r\n\r\n" not in self.buf:
            self._recv()
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        # The Runtime API answers every request with a Content-Length (runtime-http.ts).
        length = int(headers.get("content-length", "0"))
        while len(self.buf) < length:
            self._recv()
        body, self.buf = self.buf[:length], self.buf[length:]
        if headers.get("connection") == "close":
            self.sock.close()
            self.sock = None
        return status, headers, body

    def send(self, *requests):
        """Sends (method, path, headers, body) requests in one write; returns their responses in order."""
        self._connect().sendall(b"".join(self._wire(*r) for r in requests))
        return [self._response() for _ in requests]


def stats_headers():
    # Peak RSS in KB (Linux's ru_maxrss unit), shown in REPORT lines as Max Memory Used.
    return {"tributary-max-rss-kb": str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)}


# ---- errors: the document AWS's Python runtime returns ------------------------------------------------------
class Fault(Exception):
    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace


def make_error(message, error_type, trace, request_id=None):
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id or "",
        "stackTrace": trace or [],
    }


def error_of(exc, request_id=None):
    if isinstance(exc, Fault):
        return make_error(exc.message, exc.error_type, exc.trace, request_id)
    frames = traceback.extract_tb(exc.__traceback__)
    # The runtime's own frames are not the user's business.
    while frames and frames[0].filename == __file__:
        frames = frames[1:]
    return make_error(str(exc), type(exc).__name__, traceback.format_list(frames), request_id)


def log_error(err):
    first = "[ERROR]"
    if err["errorType"]:
        first += " " + err["errorType"]
    if err["errorMessage"]:
        first += (":" if err["errorType"] else "") + " " + err["errorMessage"]
    lines = [first, "Traceback (most recent call last):"]
    for element in err["stackTrace"]:
        for line in element.splitlines() or [""]:
            stripped = line.lstrip(" ")
            lines.append(TRACE_INDENT * (len(line) - len(stripped)) + stripped)
    sys.stdout.write(ERROR_LINE_JOIN.join(lines) + "\n")


def to_json(value):
    def default(o):
        if isinstance(o, Decimal):
            return int(o) if o == o.to_integral_value() else float(o)
        raise TypeError("Object of type %s is not JSON serializable" % type(o).__name__)

    try:
        return json.dumps(value, default=default).encode("utf-8")
    except (TypeError, ValueError) as e:
        raise Fault("Runtime.MarshalError", "Unable to marshal response: %s" % e)


# ---- logging: print and the root logger go to the function's log ------------------------------------------
class Unbuffered:
    """Every write reaches the server at once, so lines keep their order with START/END/REPORT."""

    def __init__(self, stream):
        self.stream = stream

    def __getattr__(self, name):
        return getattr(self.stream, name)

    def write(self, text):
        n = self.stream.write(text)
        self.stream.flush()
        return n

    def writelines(self, lines):
        self.stream.writelines(lines)
        self.stream.flush()


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _request_id or ""
        return True


class LambdaHandler(logging.Handler):
    def emit(self, record):
        try:
            sys.stdout.write(self.format(record))
        except Exception:
            self.handleError(record)


def setup_logging():
    sys.stdout = Unbuffered(sys.stdout)
    sys.stderr = Unbuffered(sys.stderr)
    logging.Formatter.converter = time.gmtime
    handler = LambdaHandler()
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
            "%Y-%m-%dT%H:%M:%S",
        )
    )
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
    if level in logging._nameToLevel:
        root.setLevel(level)
    root.addHandler(handler)


# ---- the handler ----------------------------------------------------------------------------------------------
def load_handler(spec):
    try:
        modname, fname = spec.rsplit(".", 1)
    except ValueError as e:
        raise Fault("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (spec, e))
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise Fault(
                "Runtime.BuiltInModuleConflict",
                "Cannot use built-in module %s as a handler module" % modname,
            )
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise Fault("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (modname, e))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise Fault("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (modname, e), trace)
    try:
        return getattr(module, fname)
    except AttributeError:
        raise Fault("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (fname, modname))


class LambdaContext:
    def __init__(self, request_id, invoked_function_arn, deadline_ms):
        self.aws_request_id = request_id
        self.invoked_function_arn = invoked_function_arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.identity = None
        self.client_context = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))

    def log(self, msg):
        sys.stdout.write(str(msg))


def limit_memory():
    """MemorySize caps the process's data segment: allocating beyond it raises MemoryError, which the
    invocation loop turns into Runtime.OutOfMemory (the process ends, as Lambda's sandbox does)."""
    mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "0") or 0)
    if mb > 0:
        limit = mb * 1024 * 1024
        try:
            resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
        except (ValueError, OSError):
            pass  # a hard limit below MemorySize already binds harder


def out_of_memory():
    # The marker runtime-process.ts reads as an out-of-memory exit; then the end Lambda's sandbox gives such a
    # process (`Runtime exited with error: signal: killed`).
    sys.stderr.write("Runtime.OutOfMemory: the function exceeded its MemorySize\n")
    os.kill(os.getpid(), signal.SIGKILL)


def activate_if_spare(api):
    """A spare runtime was started before any function needed it (the interpreter and this module are loaded).
    It waits here until the server gives it a function, then takes that function's environment and task root as
    its own and carries on like a worker spawned for it."""
    if os.environ.get("TRIBUTARY_SPARE") != "1":
        return
    status, _, body = api.send(("GET", API + "/tributary/activate", {}, None))[0]
    if status != 200:
        raise RuntimeError("runtime API answered %d to activate" % status)
    activation = json.loads(body)
    # Set by the interpreter itself while it started (PEP 538's locale coercion), as in a fresh worker.
    coerced = os.environ.get("LC_CTYPE")
    os.environ.clear()
    os.environ.update(activation["env"])
    if coerced is not None:
        os.environ.setdefault("LC_CTYPE", coerced)
    # The time module read TZ when it was imported; the function's TZ (Lambda lets users set it) counts.
    time.tzset()
    os.chdir(activation["cwd"])


def main():
    global _request_id
    api = RuntimeApi(os.environ["AWS_LAMBDA_RUNTIME_API"])
    activate_if_spare(api)
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    # The zip's directory first, then PYTHONPATH (the layers' python directories; applied here, since a spare
    # started without it), then the interpreter's own paths: not this file's own directory.
    here = os.path.dirname(os.path.abspath(__file__))
    extra = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    rest = [p for p in sys.path if os.path.abspath(p or ".") != here and p not in extra]
    sys.path[:] = [task_root] + extra + rest
    setup_logging()
    limit_memory()
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except MemoryError:
        out_of_memory()
    except Exception as e:
        err = error_of(e)
        log_error(err)
        api.send(
            ("POST", API + "/init/error", {"lambda-runtime-function-error-type": err["errorType"]}, to_json(err))
        )
        sys.exit(1)

    poll = ("GET", API + "/invocation/next", {}, None)
    (status, headers, body) = api.send(poll)[0]
    while True:
        if status != 200:
            raise RuntimeError("runtime API answered %d to invocation/next" % status)
        request_id = headers.get("lambda-runtime-aws-request-id", "")
        _request_id = request_id
        trace_id = headers.get("lambda-runtime-trace-id")
        if trace_id:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        try:
            context = LambdaContext(
                request_id,
                headers.get("lambda-runtime-invoked-function-arn"),
                int(headers.get("lambda-runtime-deadline-ms", "0")),
            )
            event = json.loads(body) if body else None
            result = to_json(handler(event, context))
            path = "%s/invocation/%s/response" % (API, request_id)
            extra = {}
        except MemoryError:
            out_of_memory()
        except Exception as e:
            err = error_of(e, request_id)
            log_error(err)
            result = to_json(err)
            path = "%s/invocation/%s/error" % (API, request_id)
            extra = {"lambda-runtime-function-error-type": err["errorType"]}
        headers_out = {"content-type": "application/json", **extra, **stats_headers()}
        (_, (status, headers, body)) = api.send(("POST", path, headers_out, result), poll)


if __name__ == "__main__":
    try:
        main()
    except (ConnectionError, OSError) as e:
        # The Runtime API went away (the server stopped or killed us): nothing left to serve.
        sys.__stderr__.write("tributary python runtime: %s\n" % e)
        sys.exit(1)
