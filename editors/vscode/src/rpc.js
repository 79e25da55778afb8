// JSON-RPC over a child process's stdio, framed as the Language Server Protocol frames it
// (Content-Length headers). No dependencies, so the extension needs no npm install (no network)
// to build or run; tests/test_vscode_extension.py drives it with node against `lexproof lsp`.
"use strict";

const { spawn } = require("child_process");

class Connection {
  /**
   * @param {string} command the server executable
   * @param {string[]} args its arguments
   * @param {object} options for child_process.spawn (cwd, env)
   */
  constructor(command, args, options) {
    this.process = spawn(command, args, { ...options, stdio: ["pipe", "pipe", "pipe"] });
    this.buffer = Buffer.alloc(0);
    this.nextId = 0;
    this.pending = new Map();
    this.handlers = new Map();
    this.stderr = "";
    this.process.stdout.on("data", (chunk) => this.receive(chunk));
    this.process.stderr.on("data", (chunk) => {
      this.stderr = (this.stderr + chunk.toString("utf8")).slice(-20000);
    });
    this.process.on("exit", (code) => {
      for (const { reject } of this.pending.values()) {
        reject(new Error(`lexproof lsp exited (${code}): ${this.stderr}`));
      }
      this.pending.clear();
    });
    this.process.on("error", (error) => {
      for (const { reject } of this.pending.values()) {
        reject(error);
      }
      this.pending.clear();
    });
  }

  /** Parse every complete message in the buffer (a chunk may hold several, or half of one). */
  receive(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end < 0) {
        return;
      }
      const header = this.buffer.slice(0, end).toString("ascii");
      const match = /content-length:\s*(\d+)/i.exec(header);
      const length = match ? Number(match[1]) : 0;
      if (this.buffer.length < end + 4 + length) {
        return;
      }
      const body = this.buffer.slice(end + 4, end + 4 + length).toString("utf8");
      this.buffer = this.buffer.slice(end + 4 + length);
      this.dispatch(JSON.parse(body));
    }
  }

  dispatch(message) {
    if (message.id !== undefined && message.method === undefined) {
      const waiting = this.pending.get(message.id);
      if (waiting) {
        this.pending.delete(message.id);
        if (message.error) {
          waiting.reject(new Error(message.error.message));
        } else {
          waiting.resolve(message.result);
        }
      }
      return;
    }
    const handler = this.handlers.get(message.method);
    const result = handler ? handler(message.params) : null;
    if (message.id !== undefined) {
      // A request from the server (e.g. window/workDoneProgress/create): answer it.
      this.send({ id: message.id, result: result === undefined ? null : result });
    }
  }

  send(message) {
    const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...message }), "utf8");
    this.process.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, "ascii"), body]));
  }

  request(method, params) {
    this.nextId += 1;
    const id = this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ id, method, params });
    });
  }

  notify(method, params) {
    this.send({ method, params });
  }

  onNotification(method, handler) {
    this.handlers.set(method, handler);
  }

  async stop() {
    try {
      await this.request("shutdown", null);
      this.notify("exit", null);
    } catch (error) {
      this.process.kill();
    }
  }
}

module.exports = { Connection };
