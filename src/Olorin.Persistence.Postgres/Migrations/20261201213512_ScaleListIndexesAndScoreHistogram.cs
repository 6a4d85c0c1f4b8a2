using Microsoft.EntityFrameworkCore.Migrations;
using Olorin.Persistence.Postgres.Repositories;

#nullable disable

namespace Olorin.Persistence.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ScaleListIndexesAndScoreHistogram : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_transaction_scores_tenant_id_investigation_id_risk_score",
                table: "transaction_scores");

            migrationBuilder.DropIndex(
                name: "ix_anomaly_events_tenant_id_detector_id_score",
                table: "anomaly_events");

            migrationBuilder.DropIndex(
                name: "ix_anomaly_events_tenant_id_score",
                table: "anomaly_events");

            migrationBuilder.CreateIndex(
                name: "ix_transaction_scores_tenant_id_investigation_id_risk_score_tr",
                table: "transaction_scores",
                columns: new[] { "tenant_id", "investigation_id", "risk_score", "transaction_id" },
                descending: new[] { false, false, true, false });

            migrationBuilder.CreateIndex(
                name: "ix_anomaly_events_tenant_id_detector_id_score_anomaly_id",
                table: "anomaly_events",
                columns: new[] { "tenant_id", "detector_id", "score", "anomaly_id" },
                descending: new[] { false, false, true, false });

            migrationBuilder.CreateIndex(
                name: "ix_anomaly_events_tenant_id_score_anomaly_id",
                table: "anomaly_events",
                columns: new[] { "tenant_id", "score", "anomaly_id" },
                descending: new[] { false, true, false });

            migrationBuilder.Sql(TransactionScoreHistogramSql.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(TransactionScoreHistogramSql.Drop);

            migrationBuilder.DropIndex(
                name: "ix_transaction_scores_tenant_id_investigation_id_risk_score_tr",
                table: "transaction_scores");

            migrationBuilder.DropIndex(
                name: "ix_anomaly_events_tenant_id_detector_id_score_anomaly_id",
                table: "anomaly_events");

            migrationBuilder.DropIndex(
                name: "ix_anomaly_events_tenant_id_score_anomaly_id",
                table: "anomaly_events");

            migrationBuilder.CreateIndex(
                name: "ix_transaction_scores_tenant_id_investigation_id_risk_score",
                table: "transaction_scores",
                columns: new[] { "tenant_id", "investigation_id", "risk_score" },
                descending: new[] { false, false, true });

            migrationBuilder.CreateIndex(
                name: "ix_anomaly_events_tenant_id_detector_id_score",
                table: "anomaly_events",
                columns: new[] { "tenant_id", "detector_id", "score" },
                descending: new[] { false, false, true });

            migrationBuilder.CreateIndex(
                name: "ix_anomaly_events_tenant_id_score",
                table: "anomaly_events",
                columns: new[] { "tenant_id", "score" },
                descending: new[] { false, true });
        }
    }
}
