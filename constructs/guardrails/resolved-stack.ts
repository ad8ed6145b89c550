import { DefaultTokenResolver, StringConcat, TerraformDataSource, TerraformResource, TerraformStack, Tokenization } from "cdktf";
import { ResourceView, StackView } from "../../modules/guardrails/types";

const RESOLVER = new DefaultTokenResolver(new StringConcat());

type Element = TerraformResource | TerraformDataSource;

/**
 * A stack as the guardrail rules see it. Resources are found once per stack (one walk of the
 * construct tree), and each resource's arguments are resolved lazily, one top-level argument
 * at a time and at most once: a rule that reads `retention_in_days` never pays for resolving a
 * policy document. Resolution happens after cdktf's prepare phase, so cross-stack references
 * already read `${data.terraform_remote_state...}`, exactly as in the synthesized JSON.
 */
export class ResolvedStack implements StackView {
  public readonly name: string;
  private index?: { readonly resources: Map<string, TerraformResource[]>; readonly data: Map<string, TerraformDataSource> };
  private readonly views = new Map<Element, ResourceView>();

  constructor(public readonly stack: TerraformStack) {
    this.name = stack.node.id;
  }

  public resources(type: string): readonly ResourceView[] {
    return (this.elements().resources.get(type) ?? []).map((resource) => this.view(resource));
  }

  public dataSource(type: string, name: string): ResourceView | undefined {
    const source = this.elements().data.get(`${type}.${name}`);
    return source === undefined ? undefined : this.view(source);
  }

  /** The view of one resource or data source of this stack (cached). */
  public view(element: Element): ResourceView {
    let view = this.views.get(element);
    if (view === undefined) {
      const data = TerraformDataSource.isTerraformDataSource(element);
      const address = `${data ? "data." : ""}${element.terraformResourceType}.${element.friendlyUniqueId}`;
      view = { type: element.terraformResourceType, name: element.friendlyUniqueId, address, path: element.node.path, config: this.lazyConfig(element, data) };
      this.views.set(element, view);
    }
    return view;
  }

  private elements(): NonNullable<ResolvedStack["index"]> {
    if (this.index === undefined) {
      const resources = new Map<string, TerraformResource[]>();
      const data = new Map<string, TerraformDataSource>();
      for (const node of this.stack.node.findAll()) {
        if (TerraformResource.isTerraformResource(node)) {
          const list = resources.get(node.terraformResourceType);
          if (list === undefined) {
            resources.set(node.terraformResourceType, [node]);
          } else {
            list.push(node);
          }
        } else if (TerraformDataSource.isTerraformDataSource(node)) {
          data.set(`${node.terraformResourceType}.${node.friendlyUniqueId}`, node);
        }
      }
      this.index = { resources, data };
    }
    return this.index;
  }

  /** The element's arguments (overrides included, `//` metadata left out), each resolved on first read. */
  private lazyConfig(element: Element, data: boolean): Readonly<Record<string, unknown>> {
    const fragment = element.toTerraform() as Record<string, Record<string, Record<string, Record<string, unknown>>>>;
    const raw = fragment[data ? "data" : "resource"]?.[element.terraformResourceType]?.[element.friendlyUniqueId] ?? {};
    const config: Record<string, unknown> = {};
    for (const key of Object.keys(raw)) {
      if (key === "//") {
        continue;
      }
      let resolved: { value: unknown } | undefined;
      Object.defineProperty(config, key, {
        enumerable: true,
        get: () => {
          if (resolved === undefined) {
            resolved = { value: Tokenization.resolve(raw[key], { scope: this.stack, preparing: false, resolver: RESOLVER }) };
          }
          return resolved.value;
        },
      });
    }
    return Object.freeze(config);
  }
}
