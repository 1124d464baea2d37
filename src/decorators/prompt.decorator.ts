import { addMember, methodKey, type Class, type PromptDecoratorOptions } from "../metadata";

/**
 * Exposes a method as an MCP prompt. The name defaults to the method name in snake_case. The method receives
 * the prompt arguments (validated against its DTO when one is given) and returns a string or `{ messages }`.
 *
 * @example
 * ```ts
 * @Prompt({ description: "Review a pull request", arguments: [{ name: "pr", required: true }] })
 * review(args: { pr: string }) { return `Review PR ${args.pr}` }
 * ```
 */
export function Prompt(options: PromptDecoratorOptions = {}): MethodDecorator {
  return (target, key) => {
    addMember(target.constructor as Class, { kind: "prompt", method: methodKey(key), options });
  };
}
