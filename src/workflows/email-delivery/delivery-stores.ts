// Where a batch's delivery rows live: the shard each job's id names (src/shards), or the directory
// database for a job queued before sharding. Work is grouped so each database gets one batch.
import type { Database } from "../../db/client";
import { databaseOf } from "../../shards/databases";
import { type ShardMap, shardMapOf } from "../../shards/shard-map";
import { shardOfId } from "../../shards/sharded-id";

export class DeliveryStores {
  private readonly map: ShardMap | null;

  constructor(
    private readonly env: Env,
    private readonly directory: Database,
  ) {
    this.map = shardMapOf(env);
  }

  shardOf(jobId: string): number | null {
    return shardOfId(this.map, jobId);
  }

  databaseOf(shard: number | null): Database {
    return shard === null ? this.directory : databaseOf(this.env, this.map, shard);
  }

  /** Runs `work` once per database holding some of `items`, concurrently, each with its items in order. */
  async each<T extends { shard: number | null }>(items: readonly T[], work: (db: Database, group: T[]) => Promise<void>): Promise<void> {
    const groups = new Map<number | null, T[]>();
    for (const item of items) groups.set(item.shard, [...(groups.get(item.shard) ?? []), item]);
    await Promise.all([...groups].map(([shard, group]) => work(this.databaseOf(shard), group)));
  }
}
