/**
 * "Not blank" checks for browser tests: the number of distinct colours in a canvas on the
 * page, or in a PNG screenshot (decoded by the browser itself, so no PNG decoder is needed).
 */
import type { Page } from "playwright-core";

// The few DOM types the in-page function uses (the test project has no DOM lib).
interface Context2d {
  drawImage(image: unknown, x: number, y: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
}
interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: "2d"): Context2d | null;
}
interface BrowserGlobals {
  document: { querySelector(selector: string): unknown; createElement(tag: "canvas"): CanvasLike };
  Image: new () => { src: string; naturalWidth: number; naturalHeight: number; decode(): Promise<void> };
  HTMLCanvasElement: abstract new () => CanvasLike;
}

/** Distinct RGBA colours in the `<canvas>` matching `target`, or in the PNG bytes `target`. */
export async function countColours(page: Page, target: string | Buffer): Promise<number> {
  const png = typeof target === "string" ? null : target.toString("base64");
  const selector = typeof target === "string" ? target : null;
  return page.evaluate(
    async ({ png, selector }) => {
      const web = globalThis as unknown as BrowserGlobals;
      let canvas: CanvasLike;
      if (selector !== null) {
        const found = web.document.querySelector(selector);
        if (!(found instanceof web.HTMLCanvasElement)) throw new Error(`${selector} is not a canvas`);
        canvas = found;
      } else {
        const img = new web.Image();
        img.src = `data:image/png;base64,${png}`;
        await img.decode();
        canvas = web.document.createElement("canvas");
        canvas.width = img.naturalWidth;
        canvas.height = img.naturalHeight;
        canvas.getContext("2d")!.drawImage(img, 0, 0);
      }
      const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4) seen.add(((data[i]! << 24) | (data[i + 1]! << 16) | (data[i + 2]! << 8) | data[i + 3]!) >>> 0);
      return seen.size;
    },
    { png, selector },
  );
}
