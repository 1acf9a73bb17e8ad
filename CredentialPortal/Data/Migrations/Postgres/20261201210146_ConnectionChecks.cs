using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CredentialPortal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ConnectionChecks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Endpoint",
                table: "StorageTargets",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "HostKeyFingerprint",
                table: "StorageTargets",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ServiceUrl",
                table: "StorageTargets",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AuthorityHost",
                table: "AdSyncProfiles",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ConnectionChecks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Resource = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    EntityKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Result = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Detail = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    CheckedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DurationMs = table.Column<long>(type: "bigint", nullable: false),
                    Trigger = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RejectedAtVersion = table.Column<int>(type: "integer", nullable: true),
                    NextDueAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    AlertOpen = table.Column<bool>(type: "boolean", nullable: false),
                    AlertFrom = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    AlertAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConnectionChecks", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ConnectionChecks_AlertOpen",
                table: "ConnectionChecks",
                column: "AlertOpen");

            migrationBuilder.CreateIndex(
                name: "IX_ConnectionChecks_Resource_EntityKey",
                table: "ConnectionChecks",
                columns: new[] { "Resource", "EntityKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ConnectionChecks_Result",
                table: "ConnectionChecks",
                column: "Result");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ConnectionChecks");

            migrationBuilder.DropColumn(
                name: "Endpoint",
                table: "StorageTargets");

            migrationBuilder.DropColumn(
                name: "HostKeyFingerprint",
                table: "StorageTargets");

            migrationBuilder.DropColumn(
                name: "ServiceUrl",
                table: "StorageTargets");

            migrationBuilder.DropColumn(
                name: "AuthorityHost",
                table: "AdSyncProfiles");
        }
    }
}
