// Every page: "/" focuses the search box (unless you are already typing somewhere).
"use strict";
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
  const box = document.querySelector("input[data-slash]#q") || document.querySelector("input[data-slash]");
  if (!box) return;
  event.preventDefault();
  box.focus();
  box.select();
});
