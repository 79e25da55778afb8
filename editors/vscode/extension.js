// The VS Code side of lexproof: starts `lexproof lsp` and connects VS Code's editor features to
// it. Plain JavaScript with no dependencies besides the `vscode` module VS Code provides, so
// the folder works as it is: no npm install, no compiler, no network (docs/editor.md).
"use strict";

const vscode = require("vscode");
const { Connection } = require("./src/rpc");

const SELECTOR = { language: "law", scheme: "file" };
let connection = null;

const range = (r) => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
const lspRange = (r) => ({
  start: { line: r.start.line, character: r.start.character },
  end: { line: r.end.line, character: r.end.character },
});
const position = (document, p) => ({ textDocument: { uri: document.uri.toString() }, position: { line: p.line, character: p.character } });
const location = (l) => new vscode.Location(vscode.Uri.parse(l.uri), range(l.range));
const edits = (list) => (list || []).map((e) => vscode.TextEdit.replace(range(e.range), e.newText));

function diagnostic(d) {
  // LSP severities are 1..4 (error first), VS Code's 0..3.
  const result = new vscode.Diagnostic(range(d.range), d.message, (d.severity || 1) - 1);
  result.source = d.source;
  result.code = d.code;
  if (d.relatedInformation) {
    result.relatedInformation = d.relatedInformation.map(
      (r) => new vscode.DiagnosticRelatedInformation(location(r.location), r.message));
  }
  result.lspData = d; // sent back unchanged with a code action request
  return result;
}

function documentSymbol(s) {
  // LSP symbol kinds are 1-based, VS Code's 0-based.
  const result = new vscode.DocumentSymbol(s.name, s.detail || "", s.kind - 1, range(s.range), range(s.selectionRange));
  result.children = (s.children || []).map(documentSymbol);
  return result;
}

function completionItem(item) {
  const result = new vscode.CompletionItem(item.label, item.kind ? item.kind - 1 : undefined);
  result.detail = item.detail;
  result.sortText = item.sortText;
  if (item.documentation) {
    result.documentation = new vscode.MarkdownString(item.documentation.value || item.documentation);
  }
  return result;
}

function startServer(context) {
  const settings = vscode.workspace.getConfiguration("lexproof");
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  connection = new Connection(settings.get("server.command", "lexproof"), settings.get("server.args", ["lsp"]),
    { cwd: folder ? folder.uri.fsPath : undefined, env: process.env });
  const diagnostics = vscode.languages.createDiagnosticCollection("lexproof");
  context.subscriptions.push(diagnostics);
  connection.onNotification("textDocument/publishDiagnostics", (params) => {
    diagnostics.set(vscode.Uri.parse(params.uri), params.diagnostics.map(diagnostic));
  });
  connection.onNotification("window/logMessage", (params) => console.log(`lexproof: ${params.message}`));
  return connection.request("initialize", {
    processId: process.pid,
    rootUri: folder ? folder.uri.toString() : null,
    capabilities: { textDocument: { publishDiagnostics: { relatedInformation: true } } },
  }).then(() => connection.notify("initialized", {}));
}

function syncDocuments(context) {
  const ours = (document) => document.languageId === "law" && document.uri.scheme === "file";
  const open = (document) => {
    if (ours(document)) {
      connection.notify("textDocument/didOpen", {
        textDocument: { uri: document.uri.toString(), languageId: "law", version: document.version, text: document.getText() },
      });
    }
  };
  vscode.workspace.textDocuments.forEach(open);
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(open),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (ours(event.document)) {
        connection.notify("textDocument/didChange", {
          textDocument: { uri: event.document.uri.toString(), version: event.document.version },
          contentChanges: [{ text: event.document.getText() }], // the server syncs whole documents
        });
      }
    }),
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (ours(document)) {
        connection.notify("textDocument/didSave", { textDocument: { uri: document.uri.toString() } });
      }
    }),
    vscode.workspace.onDidCloseTextDocument((document) => {
      if (ours(document)) {
        connection.notify("textDocument/didClose", { textDocument: { uri: document.uri.toString() } });
      }
    }),
  );
}

function registerProviders(context) {
  const ask = (method, params) => connection.request(method, params).catch(() => null);
  context.subscriptions.push(
    vscode.languages.registerHoverProvider(SELECTOR, {
      provideHover: (document, p) => ask("textDocument/hover", position(document, p)).then((h) =>
        h ? new vscode.Hover(new vscode.MarkdownString(h.contents.value), h.range ? range(h.range) : undefined) : null),
    }),
    vscode.languages.registerDefinitionProvider(SELECTOR, {
      provideDefinition: (document, p) => ask("textDocument/definition", position(document, p)).then((found) =>
        (found || []).map(location)),
    }),
    vscode.languages.registerReferenceProvider(SELECTOR, {
      provideReferences: (document, p, context_) => ask("textDocument/references",
        { ...position(document, p), context: { includeDeclaration: context_.includeDeclaration } }).then((found) =>
        (found || []).map(location)),
    }),
    vscode.languages.registerCompletionItemProvider(SELECTOR, {
      provideCompletionItems: (document, p) => ask("textDocument/completion", position(document, p)).then((list) =>
        (list ? list.items || list : []).map(completionItem)),
    }, "{", " ", "."),
    vscode.languages.registerDocumentSymbolProvider(SELECTOR, {
      provideDocumentSymbols: (document) => ask("textDocument/documentSymbol",
        { textDocument: { uri: document.uri.toString() } }).then((symbols) => (symbols || []).map(documentSymbol)),
    }),
    vscode.languages.registerDocumentFormattingEditProvider(SELECTOR, {
      provideDocumentFormattingEdits: (document, options) => ask("textDocument/formatting", {
        textDocument: { uri: document.uri.toString() },
        options: { tabSize: options.tabSize, insertSpaces: options.insertSpaces },
      }).then(edits),
    }),
    vscode.languages.registerCodeActionsProvider(SELECTOR, {
      provideCodeActions: (document, r, context_) => ask("textDocument/codeAction", {
        textDocument: { uri: document.uri.toString() },
        range: lspRange(r),
        context: { diagnostics: context_.diagnostics.map((d) => d.lspData).filter(Boolean) },
      }).then((actions) => (actions || []).map((a) => {
        const action = new vscode.CodeAction(a.title, vscode.CodeActionKind.QuickFix);
        action.isPreferred = a.isPreferred;
        action.edit = new vscode.WorkspaceEdit();
        for (const [uri, list] of Object.entries((a.edit && a.edit.changes) || {})) {
          action.edit.set(vscode.Uri.parse(uri), edits(list));
        }
        return action;
      })),
    }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  );
}

function activate(context) {
  return startServer(context).then(() => {
    syncDocuments(context);
    registerProviders(context);
  }, (error) => {
    vscode.window.showErrorMessage(`lexproof: could not start the language server (${error.message}). `
      + "Set lexproof.server.command to the lexproof executable of your virtual environment.");
  });
}

function deactivate() {
  return connection ? connection.stop() : undefined;
}

module.exports = { activate, deactivate };
