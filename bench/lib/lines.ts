/** Most characters of an unfinished line kept: a child that prints without newlines must not grow the parent. */
const MAX_PARTIAL = 1024 * 1024;

/** Turns a stream's text chunks into whole lines for `onLine`; feed it every chunk in order. */
export function lineSplitter(onLine: (line: string) => void): (chunk: string) => void {
  let buffered = "";
  return (chunk) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      onLine(line);
    }
    if (buffered.length > MAX_PARTIAL) buffered = "";
  };
}
