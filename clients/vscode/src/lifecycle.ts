/** Tell the server which suggestions VS Code showed and accepted in part, with the item exactly as the server sent it. */

export const DID_SHOW = "textDocument/didShowCompletion";
export const DID_PARTIALLY_ACCEPT = "textDocument/didPartiallyAcceptCompletion";

/** The items of an inline completion answer, a list or a bare array (LSP and VS Code alike). */
export function itemsOf<T>(answer: readonly T[] | { items: readonly T[] } | null | undefined): readonly T[] {
  if (answer === null || answer === undefined) {
    return [];
  }
  return Array.isArray(answer) ? answer : (answer as { items: readonly T[] }).items;
}

/** Maps VS Code's items back to the protocol items they were made from, and sends the two notifications. */
export class Lifecycle<Item extends object> {
  private readonly protocol = new WeakMap<Item, unknown>();
  private readonly accepted = new WeakMap<Item, number>();

  constructor(private readonly notify: (method: string, params: unknown) => void) {}

  /** `items[i]` was converted from `sent[i]` (vscode-languageclient keeps the order). */
  remember(items: readonly Item[], sent: readonly unknown[]): void {
    items.forEach((item, index) => {
      if (index < sent.length) {
        this.protocol.set(item, sent[index]);
      }
    });
  }

  shown(item: Item): void {
    const sent = this.protocol.get(item);
    if (sent !== undefined) {
      this.notify(DID_SHOW, { item: sent });
    }
  }

  /**
   * VS Code 1.139 calls the handler twice for one partial accept, with the length and then with
   * `{ kind, acceptedLength }`; older versions only with the length. Report each length once.
   */
  partiallyAccepted(item: Item, lengthOrInfo: unknown): void {
    const sent = this.protocol.get(item);
    const length = acceptedLength(lengthOrInfo);
    if (sent === undefined || length === undefined || this.accepted.get(item) === length) {
      return;
    }
    this.accepted.set(item, length);
    this.notify(DID_PARTIALLY_ACCEPT, { item: sent, acceptedLength: length });
  }
}

function acceptedLength(value: unknown): number | undefined {
  if (typeof value === "number") {
    return value;
  }
  if (typeof value === "object" && value !== null) {
    const length: unknown = (value as { acceptedLength?: unknown }).acceptedLength;
    return typeof length === "number" ? length : undefined;
  }
  return undefined;
}
