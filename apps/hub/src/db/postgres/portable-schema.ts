import {
  type ColumnDefinitionNode,
  type DataTypeNode,
  type KyselyPlugin,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';

/**
 * Migrations are written once, in SQLite's portable vocabulary (`integer`, `real`, `autoIncrement`). On
 * PostgreSQL those words mean something narrower: `integer` is 32 bits (our millisecond timestamps do not
 * fit), `real` is a 4-byte float, and `auto_increment` is not PostgreSQL at all. This plugin rewrites the
 * schema builder's column definitions so the same migration files, the hub's and every plugin's, make a
 * PostgreSQL schema with the same meaning: `bigint`, `double precision`, and an identity column.
 * Raw `sql` is not touched: a migration that needs different SQL per engine branches on `isPostgres`.
 */
class PortableSchemaTransformer extends OperationNodeTransformer {
  protected override transformDataType(node: DataTypeNode): DataTypeNode {
    const type = String(node.dataType).toLowerCase();
    if (type === 'integer') return { ...node, dataType: 'bigint' };
    if (type === 'real') return { ...node, dataType: 'double precision' };
    return node;
  }

  protected override transformColumnDefinition(node: ColumnDefinitionNode): ColumnDefinitionNode {
    const column = super.transformColumnDefinition(node);
    if (!column.autoIncrement) return column;
    return {
      ...column,
      autoIncrement: undefined,
      // BY DEFAULT, not ALWAYS: a copy or a test may insert its own ids, as SQLite allows.
      generated: { kind: 'GeneratedNode', byDefault: true, identity: true },
    };
  }
}

export class PortableSchemaPlugin implements KyselyPlugin {
  readonly #transformer = new PortableSchemaTransformer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const kind = args.node.kind;
    // Only DDL: queries keep their casts as written.
    if (kind !== 'CreateTableNode' && kind !== 'AlterTableNode') return args.node;
    return this.#transformer.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
