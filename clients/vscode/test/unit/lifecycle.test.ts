import { describe, expect, it } from "vitest";
import { DID_PARTIALLY_ACCEPT, DID_SHOW, Lifecycle, itemsOf } from "../../src/lifecycle";

/** An LSP item as the server sends it: the server finds the suggestion by command.arguments[0]. */
const SENT = {
  insertText: "return a + b",
  range: { start: { line: 1, character: 4 }, end: { line: 1, character: 4 } },
  command: { title: "accepted", command: "fimLsp.accepted", arguments: ["s-1"] },
};

function make() {
  const notes: Array<[string, unknown]> = [];
  const lifecycle = new Lifecycle<object>((method, params) => notes.push([method, params]));
  return { notes, lifecycle };
}

describe("itemsOf", () => {
  it.each([
    [[1, 2], [1, 2]],
    [{ items: [3] }, [3]],
    [null, []],
    [undefined, []],
  ])("%j → %j", (answer, expected) => {
    expect(itemsOf(answer as never)).toEqual(expected);
  });
});

describe("Lifecycle", () => {
  it("reports a shown item with the protocol item the server sent", () => {
    const { notes, lifecycle } = make();
    const shown = {};
    const other = {};
    lifecycle.remember([shown, other], [SENT, { insertText: "x" }]);
    lifecycle.shown(shown);
    expect(notes).toEqual([[DID_SHOW, { item: SENT }]]);
  });

  it("reports each partial accept once, although VS Code calls with the length and then with the info", () => {
    const { notes, lifecycle } = make();
    const item = {};
    lifecycle.remember([item], [SENT]);
    lifecycle.partiallyAccepted(item, 6);
    lifecycle.partiallyAccepted(item, { kind: 0, acceptedLength: 6 });
    lifecycle.partiallyAccepted(item, { kind: 0, acceptedLength: 10 }); // a second word, info only
    lifecycle.partiallyAccepted(item, 10);
    expect(notes).toEqual([
      [DID_PARTIALLY_ACCEPT, { item: SENT, acceptedLength: 6 }],
      [DID_PARTIALLY_ACCEPT, { item: SENT, acceptedLength: 10 }],
    ]);
  });

  it("ignores items it did not convert and lengths it cannot read", () => {
    const { notes, lifecycle } = make();
    const item = {};
    lifecycle.remember([item], [SENT]);
    lifecycle.shown({});
    lifecycle.partiallyAccepted({}, 3);
    lifecycle.partiallyAccepted(item, "3");
    lifecycle.partiallyAccepted(item, { kind: 0 });
    lifecycle.partiallyAccepted(item, null);
    expect(notes).toEqual([]);
  });

  it("keeps no item that has no protocol counterpart", () => {
    const { notes, lifecycle } = make();
    const [first, second] = [{}, {}];
    lifecycle.remember([first, second], [SENT]);
    lifecycle.shown(second);
    lifecycle.shown(first);
    expect(notes).toEqual([[DID_SHOW, { item: SENT }]]);
  });
});
