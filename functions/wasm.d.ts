// A `.wasm` import is a compiled module in workerd (wrangler's CompiledWasm rule; the Workers test pool too).
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
