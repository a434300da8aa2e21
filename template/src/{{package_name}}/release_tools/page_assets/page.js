// Template-owned (mlrelease-template): `make template-update` replaces this file; keep your changes in your own files.
// Copy buttons: the clipboard API where the browser allows it (https or localhost); elsewhere (a file:// page,
// an old browser) the text is selected so Ctrl+C copies it. Buttons are hidden in the HTML, so a reader
// without JavaScript never sees one that does nothing.
"use strict";

function selectContents(node) {
  const range = document.createRange();
  range.selectNodeContents(node);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

function copyBySelection(node) {
  selectContents(node);
  try {
    return document.execCommand("copy");
  } catch (error) {
    return false;
  }
}

function copyText(node, status) {
  const done = () => { status.textContent = "Copied to the clipboard."; };
  const fallback = () => {
    status.textContent = copyBySelection(node)
      ? "Copied to the clipboard."
      : "Selected: press Ctrl+C (⌘C on a Mac) to copy.";
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(node.textContent).then(done, fallback);
  } else {
    fallback();
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    const target = document.getElementById(button.dataset.copy);
    const status = document.getElementById(`${button.dataset.copy}-status`);
    if (!target || !status) return;
    button.addEventListener("click", () => copyText(target, status));
    button.hidden = false;
  });
});
